import type { AddressInfo } from 'node:net';
import type { Logger } from '../log.js';

/** The address a person opens: localhost for a wildcard listener, else the address itself. */
export function pageUrl(address: AddressInfo | string | null): string | undefined {
  if (address === null || typeof address === 'string') return undefined;
  const wildcard = address.address === '::' || address.address === '0.0.0.0' || address.address === '';
  const host = wildcard ? 'localhost' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/**
 * Says, once Parley takes connections, where to open it: a log line `Parley is ready: open
 * http://localhost:3000` (with `url`), and, when a person watches the terminal, the same as
 * plain text on stderr (the log stays one JSON object a line for whatever reads it).
 */
export function announceReady(log: Logger, address: AddressInfo | string | null): void {
  const url = pageUrl(address);
  if (url === undefined) return;
  const line = `Parley is ready: open ${url}`;
  log.info({ url }, line);
  if (process.stderr.isTTY) process.stderr.write(`${line} (Ctrl-C stops it)\n`);
}
