import type { IncomingMessage } from 'node:http';
import type { SessionCookies } from '../accounts/session-cookies.js';
import { noteBrowserSession } from '../http/connection-facts.js';
import type { ParleyServer } from '../types.js';

/**
 * Gives every browser a signed, HttpOnly session cookie on its Socket.IO handshake (the
 * engine's `initial_headers` event) unless it already holds one this deployment signed; a
 * forged or unknown value is replaced, so it never names a session. A handshake that
 * `mayUseCookie` refuses (a page of an origin let in by `PARLEY_ALLOWED_ORIGINS=*` alone:
 * src/http/origins.ts) has no browser session at all: its cookie is not read and none is
 * set, so it is a guest of its own connection or the account of the token it presents.
 */
export function issueSessionCookies(io: ParleyServer, cookies: SessionCookies, mayUseCookie: (request: IncomingMessage) => boolean): void {
  io.engine.on('initial_headers', (headers: Record<string, string | string[]>, request: IncomingMessage) => {
    if (!mayUseCookie(request)) return;
    const held = cookies.fromRequest(request);
    if (held !== undefined) return noteBrowserSession(request, held, 'carried');
    const session = cookies.issue();
    noteBrowserSession(request, session, 'issued');
    headers['set-cookie'] = cookies.header(session, request);
  });
}
