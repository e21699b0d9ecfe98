import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Config } from '../config.js';
import { clientScheme } from '../http/client-address.js';

export const SESSION_COOKIE = 'parley_session';
/** `<id>.<mac>`: 24 random bytes and their HMAC-SHA256, both base64url. */
const SIGNED_ID = /^([A-Za-z0-9_-]{32})\.([A-Za-z0-9_-]{43})$/;
/** `<id>.<expiresAt>.<mac>` of an exchange code (see SessionCookies.exchangeCode). */
const EXCHANGE_CODE = /^([A-Za-z0-9_-]{32})\.(\d{13})\.([A-Za-z0-9_-]{43})$/;
/** How long a sign-in's exchange code may be traded for its cookie (once: Store.redeemExchange). */
export const EXCHANGE_TTL_MS = 60_000;

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
   * A code that stands for `session` (a value from issue()) until `expiresAt`: the sign-in
   * acknowledgement carries it, and only the page that signed in can trade it for the
   * cookie, once (the store keeps whether it was traded: Store.redeemExchange).
   */
  exchangeCode(session: string, expiresAt: number): string {
    const id = session.split('.')[0] ?? '';
    return `${id}.${expiresAt}.${this.mac(`exchange:${id}.${expiresAt}`)}`;
  }

  /**
   * The session a code stands for, if this deployment made the code and it has not expired.
   * Whether it was traded already is the store's to say (Store.redeemExchange).
   */
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

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0 || part.slice(0, separator).trim() !== name) continue;
    return part.slice(separator + 1).trim();
  }
  return undefined;
}
