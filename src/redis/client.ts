import { createClient } from 'redis';

/** The node-redis client Parley uses (RESP2, no modules): the adapter and the limit counters share it. */
export type RedisClient = ReturnType<typeof createClient>;

/** How long the first connection may take before the start is given up. */
const FIRST_CONNECT_MS = 3000;
/** Reconnection back-off after a lost connection: 50 ms, doubling, at most 2 s, forever. */
const reconnectDelay = (retries: number): number => Math.min(2000, 50 * 2 ** Math.min(retries, 6));

/**
 * Connects to Redis at `url`, or throws an Error naming PARLEY_REDIS_URL (and the host, never
 * a password) when it cannot within a few seconds: an unreachable Redis stops the start.
 * Once connected, a lost connection is retried forever (a Redis restart is survived); the
 * clients the adapter duplicates from this one inherit that.
 */
export async function connectRedis(url: string): Promise<RedisClient> {
  let connected = false;
  const client = createClient({
    url,
    socket: {
      connectTimeout: FIRST_CONNECT_MS,
      // Before the first success an Error ends the attempt (connect() rejects with it).
      reconnectStrategy: (retries, cause) => (connected ? reconnectDelay(retries) : cause),
    },
  });
  let lastError: Error | undefined;
  // Without a listener an 'error' event would end the process; reconnection is the client's
  // job. Once connected, every reconnection attempt fails with an error of its own: the link
  // (link.ts) logs the loss and the return once each, never each attempt.
  client.on('error', (error: Error) => {
    if (!connected) lastError = error;
  });
  try {
    await withDeadline(client.connect(), FIRST_CONNECT_MS + 500);
    await client.ping();
  } catch (error) {
    if (client.isOpen) client.destroy();
    const reason = (lastError ?? (error as Error)).message || String(error);
    throw new Error(`PARLEY_REDIS_URL: cannot reach Redis at ${hostOf(url)}: ${reason}`);
  }
  connected = true;
  return client;
}

/** Closes a client from connectRedis (shutdown); never throws. */
export async function closeRedis(client: RedisClient): Promise<void> {
  try {
    await client.close();
  } catch {
    client.destroy();
  }
}

/** `host:port` of a Redis URL, without its credentials. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(unparsable URL)';
  }
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
