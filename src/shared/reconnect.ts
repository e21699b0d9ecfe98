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
