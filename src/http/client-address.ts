import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) is 10.0.0.1. */
function normalize(address: string): string {
  const trimmed = address.trim();
  return trimmed.startsWith('::ffff:') && isIP(trimmed.slice(7)) === 4 ? trimmed.slice(7) : trimmed;
}

/** The TCP peer of a request, normalized; '' when the socket is already gone. */
export function peerAddress(request: IncomingMessage): string {
  return normalize(request.socket.remoteAddress ?? '');
}

/** True when the request's TCP peer is one of the configured trusted proxies. */
export function fromTrustedProxy(request: IncomingMessage, trustedProxies: readonly string[]): boolean {
  return trustedProxies.length > 0 && trustedProxies.map(normalize).includes(peerAddress(request));
}

/**
 * The address a request comes from, for limits keyed by client: the TCP peer, or, only
 * when that peer is a trusted proxy, the right-most address of `X-Forwarded-For` that is
 * not itself a trusted proxy. Entries left of it were written by the client and prove
 * nothing. An entry that is not an IP address stops the walk at the proxy that wrote it.
 */
export function clientAddress(request: IncomingMessage, trustedProxies: readonly string[]): string {
  const peer = peerAddress(request);
  if (!fromTrustedProxy(request, trustedProxies)) return peer;
  const trusted = new Set(trustedProxies.map(normalize));
  const header = request.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map(normalize).filter((hop) => hop.length > 0);
  let reportedBy = peer;
  for (let index = hops.length - 1; index >= 0; index--) {
    const hop = hops[index] ?? '';
    if (isIP(hop) === 0) return reportedBy;
    if (!trusted.has(hop)) return hop;
    reportedBy = hop;
  }
  return reportedBy;
}

/**
 * The scheme the client used: https on a TLS socket, or as a trusted proxy reports it in
 * `X-Forwarded-Proto` (its right-most value, the one that proxy wrote); http otherwise.
 */
export function clientScheme(request: IncomingMessage, trustedProxies: readonly string[]): 'http' | 'https' {
  if ((request.socket as { encrypted?: boolean }).encrypted === true) return 'https';
  if (!fromTrustedProxy(request, trustedProxies)) return 'http';
  const header = request.headers['x-forwarded-proto'];
  const values = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',');
  return values[values.length - 1]?.trim().toLowerCase() === 'https' ? 'https' : 'http';
}
