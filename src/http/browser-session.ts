import type { IncomingMessage } from 'node:http';

/** The verified browser session of each handshake request (src/auth/session-cookie.ts writes it). */
const verified = new WeakMap<IncomingMessage, string>();
/** Handshake requests whose verified session came with the request, not issued in its answer. */
const carried = new WeakSet<IncomingMessage>();

/**
 * Notes the browser session of a handshake request: `carried` when the request held it in a
 * cookie this deployment signed, else the one issued in its answer.
 */
export function noteBrowserSession(request: IncomingMessage, session: string, how: 'carried' | 'issued'): void {
  verified.set(request, session);
  if (how === 'carried') carried.add(request);
}

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
