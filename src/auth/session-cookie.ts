import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Config } from '../config.js';
import { clientScheme } from '../http/client-address.js';
import type { ParleyServer } from '../types.js';

export const SESSION_COOKIE = 'parley_session';
/** `<id>.<mac>`: 24 random bytes and their HMAC-SHA256, both base64url. */
const SIGNED_ID = /^([A-Za-z0-9_-]{32})\.([A-Za-z0-9_-]{43})$/;
/** `<id>.<expiresAt>.<mac>` of an exchange code (see SessionCookies.exchangeCode). */
const EXCHANGE_CODE = /^([A-Za-z0-9_-]{32})\.(\d{13})\.([A-Za-z0-9_-]{43})$/;
/** How long a sign-in's exchange code may be traded for its cookie. */
const EXCHANGE_TTL_MS = 60_000;

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
 * Browser session ids the server issued: `<random id>.<HMAC-SHA256 of the id>` under the
 * deployment's secret (config.sessionSecret, else the one kept in the database), so every
 * worker and node honours the same ids and no other. A value chosen by a client is treated
 * as absent. Sign-in and sign-out never bind the id the browser holds: sign-in binds a new
 * id and hands out a short-lived code for it, which the page trades for the cookie at
 * `POST /session` (src/http/routes.ts).
 */
export class SessionCookies {
  constructor(
    private readonly secret: string,
    private readonly config: Pick<Config, 'secureCookies' | 'trustedProxies'>,
  ) {}

  /** A new session id with its signature: the cookie's value. */
  issue(): string {
    return this.signed(randomBytes(24).toString('base64url'));
  }

  /** The value if it is a session id this deployment signed; undefined otherwise. */
  verify(value: string | undefined): string | undefined {
    const match = value === undefined ? null : SIGNED_ID.exec(value);
    if (!match?.[1] || !match[2]) return undefined;
    return this.macMatches(`cookie:${match[1]}`, match[2]) ? value : undefined;
  }

  /**
   * A code that stands for `session` (a value from issue()) for a minute: the sign-in
   * acknowledgement carries it, and only the page that signed in can trade it for the cookie.
   */
  exchangeCode(session: string, now: number): string {
    const id = session.split('.')[0] ?? '';
    const expiresAt = now + EXCHANGE_TTL_MS;
    return `${id}.${expiresAt}.${this.mac(`exchange:${id}.${expiresAt}`)}`;
  }

  /** The session a code stands for, if this deployment made the code and it has not expired. */
  redeem(code: string, now: number): string | undefined {
    const match = EXCHANGE_CODE.exec(code);
    if (!match?.[1] || !match[2] || !match[3]) return undefined;
    if (Number(match[2]) <= now || !this.macMatches(`exchange:${match[1]}.${match[2]}`, match[3])) return undefined;
    return this.signed(match[1]);
  }

  /** The `Set-Cookie` value for `session`; `Secure` as config.secureCookies says. */
  header(session: string, request: IncomingMessage): string {
    const secure =
      this.config.secureCookies === 'always' ||
      (this.config.secureCookies === 'auto' && clientScheme(request, this.config.trustedProxies) === 'https');
    const attributes = ['Path=/', 'HttpOnly', 'SameSite=Lax', ...(secure ? ['Secure'] : [])];
    return `${SESSION_COOKIE}=${session}; ${attributes.join('; ')}`;
  }

  /** The signed session id the request's cookie carries, if any. */
  fromRequest(request: IncomingMessage): string | undefined {
    return this.verify(readCookie(request.headers.cookie, SESSION_COOKIE));
  }

  private signed(id: string): string {
    return `${id}.${this.mac(`cookie:${id}`)}`;
  }

  private mac(text: string): string {
    return createHmac('sha256', this.secret).update(text).digest('base64url');
  }

  private macMatches(text: string, mac: string): boolean {
    const expected = Buffer.from(this.mac(text));
    const actual = Buffer.from(mac);
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }
}

/**
 * Gives every browser a signed, HttpOnly session cookie on its Socket.IO handshake (the
 * engine's `initial_headers` event) unless it already holds one this deployment signed; a
 * forged or unknown value is replaced, so it never names a session.
 */
export function issueSessionCookies(io: ParleyServer, cookies: SessionCookies): void {
  io.engine.on('initial_headers', (headers: Record<string, string | string[]>, request: IncomingMessage) => {
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

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0 || part.slice(0, separator).trim() !== name) continue;
    return part.slice(separator + 1).trim();
  }
  return undefined;
}
