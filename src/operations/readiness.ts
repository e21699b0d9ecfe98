import type { RedisClient } from '../redis/client.js';
import type { Store } from '../store/store.js';

/** The node as its primary sees it (a cluster worker asks it over IPC). */
export interface NodeStatus {
  readonly workersReady: number;
  readonly workers: number;
  readonly draining: boolean;
}

/** Each check gets this long; a check that takes longer has failed. */
const CHECK_TIMEOUT_MS = 2000;

export interface ReadinessSources {
  readonly store: Store;
  /** The deployment's Redis, when PARLEY_REDIS_URL is set. */
  readonly redis: RedisClient | undefined;
  /** This process is shutting down. */
  readonly closing: () => boolean;
  /** The node's workers and draining state, from the primary; a lone process answers for itself. */
  readonly node: () => Promise<NodeStatus>;
}

/** What the redis check says while the connection is down. */
const REDIS_AWAY = 'not connected; this node serves its own clients alone';

/** `GET /readyz`'s answer: 200 when the node can serve (store and node checks), else 503; the body names each check. */
export interface Readiness {
  readonly ready: boolean;
  /** Ready, but Redis is unreachable: the node serves its own clients alone (status `degraded`). */
  readonly degraded: boolean;
  readonly checks: {
    readonly store: string;
    readonly redis: string;
    readonly node: string;
  };
}

function bounded<T>(work: Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
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

const outcome = async (check: () => Promise<string>): Promise<[boolean, string]> => {
  try {
    return [true, await bounded(check())];
  } catch (error) {
    return [false, error instanceof Error ? error.message : String(error)];
  }
};

/**
 * Whether this node should be sent new clients: what the node can do itself. Its store takes
 * writes, it is not draining, and at least one of its workers is ready. Redis is reported
 * but does not decide: without it the node still admits and serves its own clients (its
 * limits counted by itself, other nodes reached from the store once Redis is back), and a
 * Redis outage would otherwise take every node out of its load balancer at once. Every
 * check runs at once and is bounded, so the answer never hangs.
 */
export async function checkReadiness(sources: ReadinessSources): Promise<Readiness> {
  const [store, redis, node] = await Promise.all([
    outcome(async () => {
      await sources.store.checkWritable();
      return 'writable';
    }),
    sources.redis === undefined
      ? Promise.resolve<[boolean, string]>([true, 'not configured'])
      : outcome(async () => {
          const redis = sources.redis;
          if (!redis?.isReady) throw new Error(REDIS_AWAY);
          await redis.ping();
          return 'reachable';
        }),
    outcome(async () => {
      if (sources.closing()) throw new Error('draining');
      const status = await sources.node();
      if (status.draining) throw new Error('draining');
      if (status.workersReady === 0) throw new Error(`no worker ready of ${status.workers}`);
      return `${status.workersReady} of ${status.workers} workers ready`;
    }),
  ]);
  const ready = store[0] && node[0];
  return { ready, degraded: ready && !redis[0], checks: { store: store[1], redis: redis[0] ? redis[1] : `unreachable (${redis[1]})`, node: node[1] } };
}
