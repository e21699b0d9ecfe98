import type { IncomingMessage, ServerResponse } from 'node:http';
import { originAllowed } from '../http/origins.js';
import type { SessionCookies } from '../accounts/session-cookies.js';

/** A code is about 90 characters; anything longer is not one. */
const MAX_BODY_BYTES = 256;

export interface SessionExchangeOptions {
  readonly cookies: SessionCookies;
  readonly allowedOrigins: readonly string[];
  readonly trustedProxies: readonly string[];
}

/**
 * `POST /session`: sets the browser's session cookie. With a sign-in's exchange code as the
 * body (text), the cookie of the session that sign-in bound; with an empty body, a fresh
 * unbound one (the page calls it after signing out). 204 with `Set-Cookie`, 400 for a bad
 * or expired code. Only from a page of this server: the Origin header is required and
 * checked, so another site cannot swap a visitor's cookie.
 */
export function sessionExchange(options: SessionExchangeOptions) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    if (request.headers.origin === undefined || !originAllowed(request, options.allowedOrigins, options.trustedProxies)) {
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
      const code = Buffer.concat(chunks).toString('utf8').trim();
      const session = code === '' ? options.cookies.issue() : options.cookies.redeem(code, Date.now());
      if (session === undefined) {
        response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('invalid or expired code\n');
        return;
      }
      response.writeHead(204, { 'set-cookie': options.cookies.header(session, request), 'cache-control': 'no-store' }).end();
    });
  };
}
