import type { ParleySocket } from '../types.js';

/** Longest wait for one client's transport before sending it the next catch-up batch. */
const MAX_WAIT_MS = 2000;

/**
 * Resolves once the socket's transport has handed what it was given to the network (or
 * the socket is gone), so a slow client's catch-up is paced by its own connection and its
 * backlog does not pile up in this process's memory. Always yields to the event loop once,
 * so other clients are served between batches.
 */
export function waitUntilWritable(socket: ParleySocket): Promise<void> {
  const engine = socket.conn;
  return new Promise((resolve) => {
    setImmediate(() => {
      const transport = engine.transport;
      if (engine.readyState !== 'open' || transport.writable) {
        resolve();
        return;
      }
      const done = (): void => {
        clearTimeout(timer);
        transport.off('drain', done);
        engine.off('close', done);
        resolve();
      };
      const timer = setTimeout(done, MAX_WAIT_MS);
      transport.once('drain', done);
      engine.once('close', done);
    });
  });
}
