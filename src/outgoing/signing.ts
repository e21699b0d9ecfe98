import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * How Parley signs what it POSTs to a receiver (outgoing webhooks and registered slash
 * commands), in the way of Slack's signing secret:
 *
 *   X-Parley-Timestamp: <unix seconds>
 *   X-Parley-Signature: v1=<hex HMAC-SHA256(secret, "v1:" + timestamp + ":" + raw body)>
 *   X-Parley-Event-Id:  <the event id, stable across retries>
 *
 * A receiver recomputes the HMAC over the raw bytes it got, compares in constant time, and
 * refuses a timestamp more than five minutes from its clock (a replay).
 */
export const SIGNATURE_VERSION = 'v1';

/** The most a timestamp may differ from the clock before a signature is taken as replayed. */
export const MAX_SIGNATURE_AGE_S = 300;

/** The signature header's value for `body` sent at `timestamp` (unix seconds). */
export function sign(secret: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${SIGNATURE_VERSION}:${timestamp}:${body}`).digest('hex');
  return `${SIGNATURE_VERSION}=${mac}`;
}

/** True when `signature` is `sign(secret, timestamp, body)` and `timestamp` is within MAX_SIGNATURE_AGE_S of `nowS`. */
export function verify(secret: string, timestamp: number, body: string, signature: string, nowS: number): boolean {
  if (!Number.isInteger(timestamp) || Math.abs(nowS - timestamp) > MAX_SIGNATURE_AGE_S) return false;
  const expected = Buffer.from(sign(secret, timestamp, body));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
