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

export interface EngineObserverOptions {
  /**
   * Answer long-polling requests with `Connection: close`: behind the sticky router each
   * TCP connection is pinned to one worker, and a browser reusing a kept-alive connection
   * for another tab's session would reach the wrong worker.
   */
  readonly closeKeepAliveOnPolling: boolean;
}

/** Logs and counts engine.io connection errors; adds the headers the deployment needs. */
export function observeEngine(io: ParleyServer, log: Logger, options: EngineObserverOptions): void {
  io.engine.on('connection_error', (error: EngineConnectionError) => {
    connectionErrorCounts.set(error.code, (connectionErrorCounts.get(error.code) ?? 0) + 1);
    log.info(
      { code: error.code, reason: ENGINE_ERRORS[error.code] ?? 'unknown', message: error.message, url: error.req.url, origin: error.req.headers.origin },
      'connection refused',
    );
  });
  if (options.closeKeepAliveOnPolling) {
    io.engine.on('headers', (headers: Record<string, string>, request: IncomingMessage) => {
      if (request.url?.includes('transport=polling')) headers['connection'] = 'close';
    });
  }
}
