import type { Logger } from '../log.js';

/** What the link reads of the configuration (config.ts has their defaults and meaning). */
export interface RedisSettings {
  readonly redisUrl: string | undefined;
  readonly redisPrefix: string;
}
import { closeRedis, connectRedis, type RedisClient } from './client.js';

/** Redis between nodes: one connected client per process and the deployment's key prefix. */
export interface RedisLink {
  readonly client: RedisClient;
  readonly prefix: string;
  /** Closes the client (after the Socket.IO server, whose adapter publishes through it). */
  close(): Promise<void>;
}

/**
 * Connects this process to the deployment's Redis when PARLEY_REDIS_URL is set; undefined
 * when it is not (one machine). Rejects with a message naming PARLEY_REDIS_URL when Redis
 * cannot be reached: the start stops.
 */
export async function openRedisLink(config: RedisSettings, log: Logger): Promise<RedisLink | undefined> {
  if (config.redisUrl === undefined) return undefined;
  const client = await connectRedis(config.redisUrl, log.child({ module: 'redis' }));
  let closed: Promise<void> | undefined;
  return { client, prefix: config.redisPrefix, close: () => (closed ??= closeRedis(client)) };
}
