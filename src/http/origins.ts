import type { IncomingMessage } from 'node:http';

/**
 * Decides whether a browser on `Origin` may connect. Requests without an Origin header
 * come from non-browser clients and are let through; a browser's must name an allowed
 * origin, or this server's own when none are configured.
 */
export function originAllowed(request: IncomingMessage, allowedOrigins: readonly string[]): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  if (allowedOrigins.length > 0) return allowedOrigins.includes(origin) || allowedOrigins.includes('*');
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}
