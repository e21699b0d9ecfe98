import net from 'node:net';
import { once } from 'node:events';

/** The part of a net.Socket's private libuv handle the sticky router relies on. */
interface ReadableHandle {
  readStop?: unknown;
}

const handleOf = (socket: net.Socket): ReadableHandle | undefined =>
  (socket as unknown as { _handle?: ReadableHandle | null })._handle ?? undefined;

/**
 * `socket.pause()` only pauses the stream: the handle goes on reading from the kernel, and
 * once the handle is handed to a worker, child_process discards whatever it still reads
 * (its onread becomes a no-op) until it is closed. A client that sends right after its
 * request line (a WebSocket frame after the upgrade, a POST body) would lose those bytes.
 * Stopping the handle leaves them in the kernel for the worker to read.
 * `assertCanStopReading` checks at start that this Node has the method.
 */
export function stopReading(connection: net.Socket): void {
  // `reading` stays true on purpose: net.Socket#_read restarts a handle it believes stopped,
  // and the stream still schedules a read after the chunk it just delivered.
  const handle = handleOf(connection) as { readStop?: () => number } | undefined;
  handle?.readStop?.();
}

/**
 * Fails loudly where Node's TCP handles lack the private `readStop` that `stopReading`
 * uses: without it the primary would silently lose the bytes a client sends right after
 * its request line. Checked on a real accepted loopback socket, as the router gets them.
 */
export async function assertCanStopReading(): Promise<void> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const { port } = server.address() as net.AddressInfo;
    const accepted = once(server, 'connection') as Promise<[net.Socket]>;
    const client = net.connect(port, '127.0.0.1');
    const [socket] = await accepted;
    const readStop = handleOf(socket)?.readStop;
    socket.destroy();
    client.destroy();
    if (typeof readStop !== 'function') {
      throw new Error(
        `this Node (${process.version}) has no readStop on its TCP handles; the sticky router needs it to hand connections to workers without losing bytes`,
      );
    }
  } finally {
    server.close();
  }
}
