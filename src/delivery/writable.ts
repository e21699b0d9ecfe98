import type { ParleySocket } from '../types.js';

/** Longest wait for one client's transport before looking again. */
const MAX_WAIT_MS = 1000;
/** Bytes a WebSocket may hold unsent in this process before catch-up waits for it. */
const HIGH_WATER_BYTES = 128 * 1024;

/** What this file reads of a `ws` WebSocket (the WebSocket transport's `socket`). */
export interface WebSocketLike {
  readonly bufferedAmount?: number;
  readonly _socket?: { once(event: 'drain', listener: () => void): unknown; off(event: 'drain', listener: () => void): unknown };
  /** Destroys the TCP socket at once, dropping what it holds unsent (no closing handshake). */
  terminate?(): void;
}

type EngineSocket = ParleySocket['conn'];

/**
 * Packets engine.io holds for the socket until its transport can take them (over HTTP
 * long-polling: until the client's next poll).
 */
export function queuedPackets(engine: EngineSocket): number {
  return writeQueue(engine).length;
}

const EMPTY: readonly unknown[] = [];

/**
 * engine.io's queue of packets for the socket (`conn.writeBuffer`). engine.io replaces it
 * with a new array whenever it hands the queue to the transport, so an array seen here
 * holds exactly what has waited since the last hand-over.
 */
export function writeQueue(engine: EngineSocket): readonly unknown[] {
  return (engine as unknown as { writeBuffer?: readonly unknown[] }).writeBuffer ?? EMPTY;
}

/** Bytes the socket's WebSocket holds unsent in this process; 0 over long-polling. */
export function bufferedBytes(engine: EngineSocket): number {
  return webSocketOf(engine)?.bufferedAmount ?? 0;
}

/** The socket's `ws` WebSocket; undefined over long-polling. */
export const webSocketOf = (engine: EngineSocket): WebSocketLike | undefined =>
  (engine.transport as unknown as { socket?: WebSocketLike }).socket;

/**
 * Resolves once the socket can take more (or is gone), so a slow client's catch-up is
 * paced by its own connection and its backlog does not pile up in this process's memory.
 * Always yields to the event loop once, so other clients are served between batches.
 *
 * Relies on engine.io 6.6 and ws 8 internals (test/delivery/writable.test.ts fails if they
 * change):
 * - `conn.writeBuffer`: what engine.io has not handed to the transport yet. Over
 *   long-polling a batch waits there for the client's next poll, and the connection
 *   emits `drain` when it hands the buffer over. (The polling transport's own `drain`
 *   fires when a response has been written, often before anyone listens, and its
 *   `writable` stays false until the next poll: waiting on those cost a second a batch.)
 * - the WebSocket transport's `socket` (a `ws` WebSocket): `bufferedAmount` and its net
 *   socket's `drain`. The transport's `writable` turns true as soon as a frame is handed
 *   to Node's socket buffer, not to the network; `bufferedAmount` tells how much still
 *   waits there.
 */
export async function waitUntilWritable(socket: ParleySocket): Promise<void> {
  const engine = socket.conn;
  await new Promise((resolve) => setImmediate(resolve));
  for (let waited = 0; waited < 30; waited++) {
    if (engine.readyState !== 'open') return;
    const queued = queuedPackets(engine);
    const transport = engine.transport;
    const webSocket = webSocketOf(engine);
    // A WebSocket also waits for its transport to finish the frames it was handed.
    const sending = webSocket !== undefined && !transport.writable;
    if (queued === 0 && !sending && (webSocket?.bufferedAmount ?? 0) < HIGH_WATER_BYTES) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        engine.off('drain', done);
        transport.off('drain', done);
        webSocket?._socket?.off('drain', done);
        engine.off('close', done);
        resolve();
      };
      const timer = setTimeout(done, MAX_WAIT_MS);
      if (queued > 0) engine.once('drain', done);
      else if (sending) transport.once('drain', done);
      else webSocket?._socket?.once('drain', done);
      engine.once('close', done);
    });
  }
}
