import type { ParleySocket } from '../types.js';

/** Longest wait for one client's transport before looking again. */
const MAX_WAIT_MS = 1000;
/** Bytes a WebSocket may hold unsent in this process before catch-up waits for it. */
const HIGH_WATER_BYTES = 128 * 1024;

interface WebSocketLike {
  readonly bufferedAmount?: number;
  readonly _socket?: { once(event: 'drain', listener: () => void): unknown; off(event: 'drain', listener: () => void): unknown };
}

/**
 * Resolves once the socket's transport has room (or the socket is gone), so a slow
 * client's catch-up is paced by its own connection and its backlog does not pile up in
 * this process's memory. Always yields to the event loop once, so other clients are
 * served between batches.
 *
 * engine.io's `writable` turns true as soon as a WebSocket frame is handed to Node's
 * socket buffer, not to the network; the WebSocket's `bufferedAmount` is what tells how
 * much is still waiting in this process.
 */
export async function waitUntilWritable(socket: ParleySocket): Promise<void> {
  const engine = socket.conn;
  await new Promise((resolve) => setImmediate(resolve));
  for (let waited = 0; waited < 30; waited++) {
    if (engine.readyState !== 'open') return;
    const transport = engine.transport;
    const webSocket = (transport as unknown as { socket?: WebSocketLike }).socket;
    const buffered = webSocket?.bufferedAmount ?? 0;
    if (transport.writable && buffered < HIGH_WATER_BYTES) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        transport.off('drain', done);
        webSocket?._socket?.off('drain', done);
        engine.off('close', done);
        resolve();
      };
      const timer = setTimeout(done, MAX_WAIT_MS);
      if (!transport.writable) transport.once('drain', done);
      else webSocket?._socket?.once('drain', done);
      engine.once('close', done);
    });
  }
}
