import type { IncomingMessage } from 'node:http';
import type { Logger } from '../log.js';
import type { ParleyServer } from '../types.js';

/** engine.io's connection error codes, by number. */
const ENGINE_ERRORS: Record<number, string> = {
  0: 'unknown transport',
  1: 'unknown session id',
  2: 'bad handshake method',
  3: 'bad request',
  4: 'forbidden',
  5: 'unsupported protocol version',
};

interface EngineConnectionError {
  req: IncomingMessage;
  code: number;
  message: string;
  context: unknown;
}

/** Counts of refused engine.io connections by code, for this process. */
export const connectionErrorCounts = new Map<number, number>();

/** Logs and counts engine.io connection errors; adds the headers every response needs. */
export function observeEngine(io: ParleyServer, log: Logger): void {
  io.engine.on('connection_error', (error: EngineConnectionError) => {
    connectionErrorCounts.set(error.code, (connectionErrorCounts.get(error.code) ?? 0) + 1);
    log.info(
      { code: error.code, reason: ENGINE_ERRORS[error.code] ?? 'unknown', message: error.message, url: error.req.url, origin: error.req.headers.origin },
      'connection refused',
    );
  });
  // Long-polling responses carry live messages: no cache or proxy may keep them.
  io.engine.on('headers', (headers: Record<string, string>) => {
    headers['cache-control'] = 'no-store';
    headers['x-content-type-options'] = 'nosniff';
  });
}
