/**
 * Every Redis key and channel name Parley uses, under the deployment's prefix
 * (PARLEY_REDIS_PREFIX), so that deployments and test runs sharing a Redis never meet.
 */
export interface RedisKeys {
  /** The Socket.IO adapter's stream (broadcasts, kept for connection state recovery). */
  readonly adapterStream: string;
  /** Prefix of the adapter's PUB/SUB channels (serverSideEmit, fetchSockets, their answers). */
  readonly adapterChannels: string;
  /** Prefix of the sessions kept for connection state recovery. */
  readonly recoverySessions: string;
  /** Prefix of one shared limit's counters (rate-limiter-flexible adds `:<key>`). */
  limitCounter(limitName: string): string;
}

export function redisKeys(prefix: string): RedisKeys {
  return Object.freeze({
    adapterStream: `${prefix}:socket.io`,
    adapterChannels: `${prefix}:socket.io`,
    recoverySessions: `${prefix}:session:`,
    limitCounter: (limitName: string) => `${prefix}:limit:${limitName}`,
  });
}
