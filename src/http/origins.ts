import type { IncomingMessage } from 'node:http';
import type { ServerOptions } from 'socket.io';
import { clientScheme } from './client-address.js';

/** `scheme://host[:port]` with default ports dropped, or undefined when not an origin. */
function originOf(text: string): string | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/** engine.io's per-request CORS setting (the cors package's options delegate). */
type CorsDelegate = Extract<NonNullable<ServerOptions['cors']>, (...args: never[]) => unknown>;

/** PARLEY_ALLOWED_ORIGINS's word for "any origin". */
const ANY = '*';

/**
 * What a request's Origin header makes of it:
 * - `absent`: no Origin header, so not a cross-origin request from a browser (a browser
 *   sends one on every WebSocket, on every cross-origin request, and on same-origin POSTs;
 *   a non-browser client sends none);
 * - `trusted`: this server's own origin (the scheme the client used, see clientScheme, with
 *   the Host it asked for) while no origins are configured, or an origin the operator listed
 *   by name in PARLEY_ALLOWED_ORIGINS;
 * - `any`: let in only by `*`: it may connect, but is nobody's browser session;
 * - `refused`: anything else, `Origin: null` (a sandboxed frame, a file, a redirect) included.
 */
export type OriginTrust = 'absent' | 'trusted' | 'any' | 'refused';

export function originTrust(request: IncomingMessage, allowedOrigins: readonly string[], trustedProxies: readonly string[] = []): OriginTrust {
  const header = request.headers.origin;
  if (header === undefined) return 'absent';
  const origin = originOf(header);
  if (origin === undefined) return 'refused';
  if (allowedOrigins.some((allowed) => allowed !== ANY && originOf(allowed) === origin)) return 'trusted';
  const host = request.headers.host;
  const own = host !== undefined && originOf(`${clientScheme(request, trustedProxies)}://${host}`) === origin;
  if (allowedOrigins.length === 0) return own ? 'trusted' : 'refused';
  if (!allowedOrigins.includes(ANY)) return 'refused';
  return own ? 'trusted' : 'any';
}

/**
 * Decides whether a browser on `Origin` may send this request. Requests without an Origin
 * header come from non-browser clients and are let through; `Origin: null` (a sandboxed
 * frame, a file, a redirect) is refused; any other must name, scheme, host and port, an
 * allowed origin (any with `*`), or this server's own when none are configured.
 */
export function originAllowed(request: IncomingMessage, allowedOrigins: readonly string[], trustedProxies: readonly string[] = []): boolean {
  return originTrust(request, allowedOrigins, trustedProxies) !== 'refused';
}

/**
 * Whether the request may speak for the browser session its cookie names: it has no Origin
 * or a trusted one. An origin let in by `*` alone never does, so that a page of any site
 * that opens a WebSocket (which no CORS rule guards, and which carries the cookie of a
 * same-site host) gets a guest of its own, or the account of a token it holds, never the
 * visitor's session.
 */
export function originMayUseCookie(request: IncomingMessage, allowedOrigins: readonly string[], trustedProxies: readonly string[] = []): boolean {
  const trust = originTrust(request, allowedOrigins, trustedProxies);
  return trust === 'absent' || trust === 'trusted';
}

/**
 * The CORS answers engine.io gives long-polling requests from other origins (undefined
 * when none are configured: no other origin may connect). An origin listed by name gets
 * credentialed CORS (its page may send the cookie); with `*`, any other origin gets CORS
 * without credentials: its page can poll, carrying no cookie (and one carried would not
 * count: originMayUseCookie). The cors package itself compares origins as strings, so `*`
 * in a list would match no origin.
 */
export function corsFor(allowedOrigins: readonly string[]): CorsDelegate | undefined {
  if (allowedOrigins.length === 0) return undefined;
  const listed = new Set(allowedOrigins.filter((allowed) => allowed !== ANY).map((allowed) => originOf(allowed)));
  const any = allowedOrigins.includes(ANY);
  return (request, callback) => {
    const header = request.headers.origin;
    const origin = header === undefined ? undefined : originOf(header);
    if (origin !== undefined && listed.has(origin)) return callback(null, { origin: true, credentials: true });
    if (origin !== undefined && any) return callback(null, { origin: true, credentials: false });
    callback(null, { origin: false });
  };
}
