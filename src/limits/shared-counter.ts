import cluster from 'node:cluster';
import { RateLimiterCluster, RateLimiterClusterMaster, RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RedisLink } from '../redis/link.js';
import { redisKeys } from '../redis/keys.js';
import { limitFallbacks } from '../operations/metrics.js';
import type { LimitRule } from './catalog.js';

/**
 * One shared limit's counters: how many points each key has used in its window. Shared by
 * every worker of a node (the primary holds them) and, with Redis, by every node.
 */
export interface SharedCounter {
  /** Takes `points` from `key`'s budget; false (and nothing taken beyond it) when it is spent. */
  take(key: string, points?: number): Promise<boolean>;
  /** Points `key` used in the current window. */
  used(key: string): Promise<number>;
  /** Forgets `key` (a successful login clears its failures). */
  forget(key: string): Promise<void>;
}

/** How long a worker waits for the primary's answer before refusing. */
const CLUSTER_TIMEOUT_MS = 2000;

/** Makes the counter of one limit (Prices calls it once per limit). */
export type CounterFactory = (name: string, rule: LimitRule) => SharedCounter;

/**
 * The limiter of one limit held by this node: in a cluster worker, by the primary (see
 * `serveSharedCounters`); in a lone process, in memory.
 */
function nodeLimiter(name: string, rule: LimitRule): RateLimiterAbstract {
  const options = { keyPrefix: `parley:${name}`, points: rule.points, duration: rule.seconds };
  return cluster.isWorker ? new RateLimiterCluster({ ...options, timeoutMs: CLUSTER_TIMEOUT_MS }) : new RateLimiterMemory(options);
}

/** Makes the counter of one limit, counted by this node alone (no Redis). */
export const createSharedCounter: CounterFactory = (name, rule) => counterOf(nodeLimiter(name, rule));

/**
 * Counters kept in Redis (one key per limit and user/address, expiring with its window), so
 * that a limit holds across every node of the deployment: one user's messages over
 * connections on two nodes spend one budget. While Redis is away (or a command fails) the
 * node's own counters take over (rate-limiter-flexible's `insuranceLimiter`): each node
 * then grants a budget of its own, so a user spread over N nodes may spend up to N budgets
 * until Redis is back, and the chat goes on instead of every event being refused.
 * Each check the node answers alone is counted (parley_limit_fallbacks_total).
 */
export function redisCounters(redis: RedisLink): CounterFactory {
  const keys = redisKeys(redis.prefix);
  return (name, rule) =>
    counterOf(
      new RateLimiterRedis({
        storeClient: redis.client,
        // node-redis v4+ (this is v5): its command API differs from ioredis's.
        useRedisPackage: true,
        // Commands would otherwise wait in the client's queue while Redis is away, and the event with them:
        // the node's own counters answer at once instead.
        rejectIfRedisNotReady: true,
        insuranceLimiter: nodeLimiter(name, rule),
        keyPrefix: keys.limitCounter(name),
        points: rule.points,
        duration: rule.seconds,
      }),
      // The library goes to its insurance exactly when the client is not ready (or a command failed).
      () => {
        if (!redis.client.isReady) limitFallbacks.inc({ limit: name });
      },
    );
}

/**
 * A limit's counters could not be read or written (the node's primary did not answer in
 * time, or Redis failed and so did the node's own counters): the event is refused as the
 * server's failure (UNAVAILABLE), never let through unlimited.
 */
export class LimitsUnavailableError extends Error {
  override readonly name = 'LimitsUnavailableError';
}

/** `beforeTake`: called before each take (counts the takes a fallback answers). */
function counterOf(limiter: RateLimiterAbstract, beforeTake?: () => void): SharedCounter {
  return {
    take: (key, points = 1) => {
      beforeTake?.();
      return limiter.consume(key, points).then(
        () => true,
        (rejection: unknown) => {
          // The library rejects with its result object when the budget is spent, and with an Error otherwise.
          if (rejection instanceof Error) throw new LimitsUnavailableError(`limit counters unavailable: ${rejection.message}`, { cause: rejection });
          return false;
        },
      );
    },
    used: async (key) => (await limiter.get(key))?.consumedPoints ?? 0,
    forget: async (key) => {
      await limiter.delete(key);
    },
  };
}

/** In the node:cluster primary: holds every worker's shared counters. Call once before forking. */
export function serveSharedCounters(): void {
  new RateLimiterClusterMaster();
}
