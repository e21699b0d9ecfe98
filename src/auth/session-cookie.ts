import type { IncomingMessage } from 'node:http';
import type { SessionCookies } from '../accounts/session-cookies.js';
import type { ParleyServer } from '../types.js';

/** The verified browser session of each handshake request (see issueSessionCookies). */
const verified = new WeakMap<IncomingMessage, string>();
/** Handshake requests whose verified session came with the request, not issued in its answer. */
const carried = new WeakSet<IncomingMessage>();

/**
 * The browser session of a handshake request: the `parley_session` cookie it carried if this
 * server signed it, else the one issued in its answer; undefined outside a handshake.
 */
export function browserSessionOf(request: IncomingMessage): string | undefined {
  return verified.get(request);
}

/**
 * The browser session a handshake request carried in its own signed cookie; undefined when
 * it carried none (a session issued in the answer proves nothing about who asks again).
 */
export function carriedSessionOf(request: IncomingMessage): string | undefined {
  return carried.has(request) ? verified.get(request) : undefined;
}

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
    if (held !== undefined) {
      verified.set(request, held);
      carried.add(request);
      return;
    }
    const session = cookies.issue();
    verified.set(request, session);
    headers['set-cookie'] = cookies.header(session, request);
  });
}
