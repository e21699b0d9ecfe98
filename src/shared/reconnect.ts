/**
 * The socket.io-client options Parley's own clients (the web page, the benchmark's clients)
 * reconnect with, and the README recommends to others: jittered, capped exponential back-off.
 *
 * When a node dies every one of its clients notices within the same instant (the TCP reset),
 * so their first attempts must be spread, and a client the surviving node refused (503 with
 * Retry-After, src/http/admission.ts) must come back later each time, but not so late that
 * a storm outlasts the server's own pace. Attempt n waits
 * min(reconnectionDelayMax, reconnectionDelay × 2^n) ± randomizationFactor of it: the first
 * 0.5 to 1.5 s after the drop, then about 2, 4, then at most 5 s apart, each spread ±50 %.
 * These are socket.io-client 4's defaults, pinned here so that a new version of the client
 * cannot change what the server's admission pace (PARLEY_ADMISSION_MAX_WAIT_MS, 5 s) and the
 * connect timeout (20 s, well above that wait) were measured against.
 */
export const RECONNECTION = Object.freeze({
  reconnection: true,
  /** The first attempt's base delay, ms. */
  reconnectionDelay: 1000,
  /** The cap on the delay between attempts, ms. */
  reconnectionDelayMax: 5000,
  /** Each delay is spread ± this share of itself at random. */
  randomizationFactor: 0.5,
  /** How long one attempt may take, held handshakes included, ms. */
  timeout: 20_000,
} as const);

/**
 * The wait before the next attempt after `attempt` refusals in a row, as socket.io-client
 * spaces its own reconnections (RECONNECTION): for a handshake the server refused as
 * retryable (`data.code` UNAVAILABLE), which socket.io-client does not retry by itself.
 */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(RECONNECTION.reconnectionDelayMax, RECONNECTION.reconnectionDelay * 2 ** attempt);
  return base * (1 + RECONNECTION.randomizationFactor * (2 * random() - 1));
}

/** Whether a `connect_error` is a refusal the same handshake may pass later (`data.code` UNAVAILABLE: HandshakeRefusalData, ./protocol/handshake.ts). */
export function isRetryableRefusal(error: Error): boolean {
  const data: unknown = (error as Error & { data?: unknown }).data;
  return typeof data === 'object' && data !== null && 'code' in data && data.code === 'UNAVAILABLE';
}
