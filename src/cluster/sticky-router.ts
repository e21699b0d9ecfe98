import net from 'node:net';
import type { Worker } from 'node:cluster';
import type { Logger } from '../log.js';
import type { PrimaryToWorker } from './messages.js';
import { workerIndexOfRequestLine } from './session-id.js';

/** Longest request line read before routing; anything longer is not HTTP we serve. */
const MAX_HEAD_BYTES = 8192;
/** A connection that sends no request line in this time is dropped. */
const HEAD_TIMEOUT_MS = 10_000;

export interface StickyRouterOptions {
  /** The ready worker with this index, if any. */
  readonly workerAt: (index: number) => Worker | undefined;
  /** Ready workers, for new sessions. */
  readonly readyWorkers: () => Worker[];
  /** Called for each connection handed to a worker. */
  readonly onHandOff?: () => void;
  readonly log: Logger;
}

/**
 * The public listener of a cluster: reads each TCP connection's request line and hands the
 * connection to a worker. A request for an existing engine.io session (`sid=<index>.…`)
 * goes to the worker that holds the session, so long-polling works behind one port;
 * anything else goes round-robin. After the hand-off the primary is out of the data path.
 */
export function createStickyRouter(options: StickyRouterOptions): net.Server {
  let nextWorker = 0;
  const pick = (requestLine: string): Worker | undefined => {
    const index = workerIndexOfRequestLine(requestLine);
    const owner = index === undefined ? undefined : options.workerAt(index);
    if (owner) return owner;
    const ready = options.readyWorkers();
    if (ready.length === 0) return undefined;
    nextWorker = (nextWorker + 1) % ready.length;
    return ready[nextWorker];
  };

  return net.createServer((connection) => {
    const chunks: Buffer[] = [];
    let length = 0;
    connection.setTimeout(HEAD_TIMEOUT_MS, () => connection.destroy());
    connection.on('error', () => connection.destroy());
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      length += chunk.length;
      const head = Buffer.concat(chunks, length);
      const lineEnd = head.indexOf('\r\n');
      if (lineEnd < 0 && length < MAX_HEAD_BYTES) return;
      connection.off('data', onData);
      connection.pause();
      stopReading(connection);
      connection.setTimeout(0);
      const worker = pick(head.subarray(0, lineEnd < 0 ? length : lineEnd).toString('latin1'));
      if (!worker) {
        connection.end('HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
        return;
      }
      const message: PrimaryToWorker = { parley: 'connection', head: head.toString('base64') };
      options.onHandOff?.();
      worker.send(message, connection, (error) => {
        if (error) {
          options.log.warn({ err: error }, 'could not hand a connection to a worker');
          connection.destroy();
        }
      });
    };
    connection.on('data', onData);
  });
}

/**
 * `socket.pause()` only pauses the stream: the handle goes on reading from the kernel, and
 * once the handle is handed to a worker, child_process discards whatever it still reads
 * (its onread becomes a no-op) until it is closed. A client that sends right after its
 * request line (a WebSocket frame after the upgrade, a POST body) would lose those bytes.
 * Stopping the handle leaves them in the kernel for the worker to read.
 */
function stopReading(connection: net.Socket): void {
  // `reading` stays true on purpose: net.Socket#_read restarts a handle it believes stopped,
  // and the stream still schedules a read after the chunk it just delivered.
  (connection as unknown as { _handle?: { readStop?: () => number } })._handle?.readStop?.();
}
