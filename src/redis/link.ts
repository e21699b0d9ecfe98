import type { Logger } from '../log.js';

import { adapterClient } from './adapter-client.js';
import { closeRedis, connectRedis, type RedisClient } from './client.js';
import { RedisConnectionState } from './connection-state.js';

/** What the link reads of the configuration (config.ts has their defaults and meaning). */
export interface RedisSettings {
  readonly redisUrl: string | undefined;
  readonly redisPrefix: string;
}

/** How long a patient worker waits between attempts to reach Redis. */
const PATIENT_RETRY_MS = 1000;

async function connectPatiently(url: string, log: Logger): Promise<RedisClient> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await connectRedis(url);
    } catch (error) {
      // Logged at the first failure and then every 30th: an outage is one line a half-minute.
      if (attempt % 30 === 1) log.warn({ err: error, attempt }, 'waiting for Redis before this worker starts');
      await new Promise((resolve) => setTimeout(resolve, PATIENT_RETRY_MS));
    }
  }
}

/** Redis between nodes: one connected client per process and the deployment's key prefix. */
export interface RedisLink {
  readonly client: RedisClient;
  /** The same client as the Socket.IO adapter must use it (see adapter-client.ts). */
  readonly adapterClient: RedisClient;
  readonly prefix: string;
  /**
   * Whether the connection is up now. While it is not, this node serves its own clients
   * alone: limits are counted by the node, and what it stores reaches other nodes from the
   * store once the connection is back (onReconnect).
   */
  connected(): boolean;
  /**
   * Calls `listener` each time the connection comes back after it was lost (not at the
   * first connection). What other servers published meanwhile was lost with it: the
   * listener repairs what depended on it (delivery reads the store again).
   */
  onReconnect(listener: () => void): void;
  /** Calls `listener` once each time the connection is lost (however many reconnection attempts fail after). */
  onDisconnect(listener: () => void): void;
  /** Closes the client (after the Socket.IO server, whose adapter publishes through it). */
  close(): Promise<void>;
}

/**
 * Connects this process to the deployment's Redis when PARLEY_REDIS_URL is set; undefined
 * when it is not (one machine). Rejects with a message naming PARLEY_REDIS_URL when Redis
 * cannot be reached: the start stops. `patient` (a cluster worker, whose primary checked
 * Redis at the start): keeps trying instead, so that a worker forked again while Redis is
 * away waits for it rather than dying and being forked again every second.
 */
export async function openRedisLink(config: RedisSettings, log: Logger, options: { patient?: boolean } = {}): Promise<RedisLink | undefined> {
  if (config.redisUrl === undefined) return undefined;
  const redisLog = log.child({ module: 'redis' });
  const client = options.patient ? await connectPatiently(config.redisUrl, redisLog) : await connectRedis(config.redisUrl);
  const listeners: (() => void)[] = [];
  const lostListeners: (() => void)[] = [];
  const state = new RedisConnectionState(
    client,
    redisLog,
    () => {
      for (const listener of lostListeners) listener();
    },
    () => {
      for (const listener of listeners) listener();
    },
  );
  let closed: Promise<void> | undefined;
  return {
    client,
    connected: () => state.connected,
    adapterClient: adapterClient(client, redisLog),
    prefix: config.redisPrefix,
    onReconnect: (listener) => void listeners.push(listener),
    onDisconnect: (listener) => void lostListeners.push(listener),
    close: () => (closed ??= closeRedis(client)),
  };
}
