import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Config } from '../config.js';
import { clientScheme } from '../http/client-address.js';

export const FLOW_COOKIE = 'parley_oidc';
/** How long a started sign-in may take at the provider (typing a password, a second factor). */
export const FLOW_TTL_MS = 10 * 60_000;
/** `<id>.<mac>`: 24 random bytes and their HMAC-SHA256, both base64url. */
const SIGNED_FLOW = /^([A-Za-z0-9_-]{32})\.([A-Za-z0-9_-]{43})$/;

/**
 * The cookie that ties a sign-in's callback to the browser that started it: a random flow id
 * signed with the deployment's secret. The flow itself (state, nonce, PKCE verifier) is kept
 * in the store under the id's hash (Store.sso), so any worker of any node can finish it, and
 * only once; without this browser's cookie a callback URL finishes nothing (no login CSRF:
 * a stranger's link cannot sign a visitor in to the stranger's account). HttpOnly, limited
 * to `/auth/oidc/`, SameSite=Lax (the provider sends the browser back with a top-level GET).
 */
export class FlowCookies {
  constructor(
    private readonly secret: string,
    private readonly config: Pick<Config, 'secureCookies' | 'trustedProxies'>,
  ) {}

  /** A new flow id and the cookie value that carries it. */
  issue(): { readonly id: string; readonly value: string } {
    const id = randomBytes(24).toString('base64url');
    return { id, value: `${id}.${this.mac(id)}` };
  }

  /** The flow id the request's cookie carries, if this deployment signed it. */
  fromRequest(request: IncomingMessage): string | undefined {
    const match = SIGNED_FLOW.exec(readCookie(request.headers.cookie, FLOW_COOKIE) ?? '');
    if (!match?.[1] || !match[2]) return undefined;
    const expected = Buffer.from(this.mac(match[1]));
    const actual = Buffer.from(match[2]);
    return actual.length === expected.length && timingSafeEqual(actual, expected) ? match[1] : undefined;
  }

  /** `Set-Cookie` for `value`; an empty value with Max-Age=0 forgets the cookie. */
  header(value: string, request: IncomingMessage): string {
    const secure =
      this.config.secureCookies === 'always' ||
      (this.config.secureCookies === 'auto' && clientScheme(request, this.config.trustedProxies) === 'https');
    const maxAge = value === '' ? 0 : Math.floor(FLOW_TTL_MS / 1000);
    const attributes = ['Path=/auth/oidc/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${maxAge}`, ...(secure ? ['Secure'] : [])];
    return `${FLOW_COOKIE}=${value}; ${attributes.join('; ')}`;
  }

  private mac(id: string): string {
    return createHmac('sha256', this.secret).update(`oidc-flow:${id}`).digest('base64url');
  }
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const separator = part.indexOf('=');
    if (separator >= 0 && part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return undefined;
}
