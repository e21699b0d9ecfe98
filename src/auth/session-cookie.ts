import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ParleyServer } from '../types.js';

export const SESSION_COOKIE = 'parley_session';
const SESSION_ID = /^[A-Za-z0-9_-]{32}$/;

/** Session ids issued on a handshake whose request did not carry the cookie yet. */
const issued = new WeakMap<IncomingMessage, string>();

/** The browser session of a handshake request: from its cookie, or the one just issued. */
export function browserSessionOf(request: IncomingMessage): string | undefined {
  return issued.get(request) ?? readCookie(request.headers.cookie, SESSION_COOKIE);
}

/**
 * Gives every browser a random, HttpOnly session cookie on its first Socket.IO handshake
 * (the engine's `initial_headers` event), so a page is recognised across its reconnects.
 */
export function issueSessionCookies(io: ParleyServer, secure: () => boolean): void {
  io.engine.on('initial_headers', (headers: Record<string, string | string[]>, request: IncomingMessage) => {
    if (browserSessionOf(request)) return;
    const sessionId = randomBytes(24).toString('base64url');
    issued.set(request, sessionId);
    const attributes = ['Path=/', 'HttpOnly', 'SameSite=Lax', ...(secure() ? ['Secure'] : [])];
    headers['set-cookie'] = `${SESSION_COOKIE}=${sessionId}; ${attributes.join('; ')}`;
  });
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0 || part.slice(0, separator).trim() !== name) continue;
    const value = part.slice(separator + 1).trim();
    return SESSION_ID.test(value) ? value : undefined;
  }
  return undefined;
}
