import type { IncomingMessage, ServerResponse } from 'node:http';
import { originTrust } from '../http/origins.js';
import { hashSecret } from '../secrets.js';
import type { SessionCookies } from '../accounts/session-cookies.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../log.js';

/** A code is about 90 characters; anything longer is not one. */
const MAX_BODY_BYTES = 256;

export interface SessionExchangeOptions {
  readonly cookies: SessionCookies;
  readonly allowedOrigins: readonly string[];
  readonly trustedProxies: readonly string[];
  /** Where whether a code was traded already is kept, for every worker and node. */
  readonly store: Pick<Store, 'accounts'>;
  readonly log: Logger;
}

/**
 * `POST /session`: sets the browser's session cookie. With a sign-in's exchange code as the
 * body (text), the cookie of the session that sign-in bound, the first time only; with an
 * empty body, a fresh unbound one (the page calls it after signing out). 204 with
 * `Set-Cookie`; 400 for a bad, expired or already traded code; 503 when the store cannot
 * say. Only from a page of this server or of an origin listed by name in
 * PARLEY_ALLOWED_ORIGINS: the Origin header is required and must be trusted (`*` is not
 * enough), so another site cannot swap a visitor's cookie.
 */
export function sessionExchange(options: SessionExchangeOptions) {
  const trade = async (code: string): Promise<string | undefined> => {
    if (code === '') return options.cookies.issue();
    const now = Date.now();
    const session = options.cookies.redeem(code, now);
    if (session === undefined) return undefined;
    return (await options.store.accounts.redeemExchange(hashSecret(session), now)) ? session : undefined;
  };
  return (request: IncomingMessage, response: ServerResponse): void => {
    if (originTrust(request, options.allowedOrigins, options.trustedProxies) !== 'trusted') {
      response.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' }).end('forbidden origin\n');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        response.writeHead(413, { connection: 'close' }).end();
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (response.headersSent) return;
      trade(Buffer.concat(chunks).toString('utf8').trim()).then(
        (session) => {
          if (session === undefined) {
            response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('invalid, expired or already used code\n');
            return;
          }
          response.writeHead(204, { 'set-cookie': options.cookies.header(session, request), 'cache-control': 'no-store' }).end();
        },
        (error: unknown) => {
          options.log.warn({ err: error }, 'session exchange failed; answered 503');
          response.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '1' }).end('try again\n');
        },
      );
    });
  };
}
