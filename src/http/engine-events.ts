import type { IncomingMessage } from 'node:http';
import { CountedLog } from '../counted-log.js';
import type { Logger } from '../log.js';
import { connectionErrors } from '../operations/metrics.js';
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

/**
 * Logs engine.io connection errors as counts by code and reason (never a line each: a flood
 * of bad requests must not flood the logs); adds the headers every response needs. Returns
 * the function that stops the counting (shutdown).
 */
export function observeEngine(io: ParleyServer, log: Logger): () => void {
  const refused = new CountedLog(log, 'connections refused by engine.io', 'info');
  io.engine.on('connection_error', (error: EngineConnectionError) => {
    refused.add(`${error.code} ${ENGINE_ERRORS[error.code] ?? 'unknown'}: ${error.message}`);
    connectionErrors.inc({ code: String(error.code in ENGINE_ERRORS ? error.code : 'other') });
  });
  // Long-polling responses carry live messages: no cache or proxy may keep them.
  io.engine.on('headers', (headers: Record<string, string>) => {
    headers['cache-control'] = 'no-store';
    headers['x-content-type-options'] = 'nosniff';
  });
  return () => refused.close();
}
