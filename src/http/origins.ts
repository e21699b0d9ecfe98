import type { IncomingMessage } from 'node:http';
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

/**
 * Decides whether a browser on `Origin` may send this request. Requests without an Origin
 * header come from non-browser clients and are let through; `Origin: null` (a sandboxed
 * frame, a file, a redirect) is refused; any other must name, scheme, host and port, an
 * allowed origin, or this server's own when none are configured: the scheme the client
 * used (see clientScheme) with the Host it asked for.
 */
export function originAllowed(request: IncomingMessage, allowedOrigins: readonly string[], trustedProxies: readonly string[] = []): boolean {
  const header = request.headers.origin;
  if (header === undefined) return true;
  const origin = originOf(header);
  if (origin === undefined) return false;
  if (allowedOrigins.length > 0) return allowedOrigins.includes('*') || allowedOrigins.some((allowed) => originOf(allowed) === origin);
  const host = request.headers.host;
  return host !== undefined && originOf(`${clientScheme(request, trustedProxies)}://${host}`) === origin;
}
