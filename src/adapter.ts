import cluster from 'node:cluster';
import { createAdapter as createClusterAdapter } from '@socket.io/cluster-adapter';
import type { ServerOptions } from 'socket.io';

/** The Socket.IO adapter this process uses, and whether it reaches other processes. */
export interface AdapterChoice {
  /** Undefined means Socket.IO's in-memory adapter (one process). */
  readonly factory: ServerOptions['adapter'] | undefined;
  /** True when rooms, broadcasts and serverSideEmit span several processes or machines. */
  readonly spansProcesses: boolean;
}

/**
 * Heartbeats between cluster workers. A worker killed with kill -9 says nothing; the others
 * drop it after `heartbeatTimeout` without a message (checked once a second), and only
 * then do cluster-wide requests (serverSideEmit with acks, fetchSockets) stop waiting for
 * its answer. This bounds how long presence can show a dead worker's users (README, "Who
 * is online"). The library's defaults (5 s, 10 s) would let requests hit their own 5 s
 * timeout first. A worker whose event loop stalls for longer than the timeout is briefly
 * taken for dead too; 4 s is far beyond any pause Parley's work causes.
 */
export const CLUSTER_HEARTBEAT = Object.freeze({ heartbeatInterval: 1000, heartbeatTimeout: 4000 });

/**
 * The one place the Socket.IO adapter is picked: the node:cluster adapter inside a
 * cluster worker, the in-memory adapter in a lone process.
 */
export function chooseAdapter(redisUrl: string | undefined): AdapterChoice {
  if (redisUrl !== undefined) {
    throw new Error('PARLEY_REDIS_URL is set, but the Redis adapter is not built yet; unset it to run on one machine');
  }
  if (cluster.isWorker) return { factory: createClusterAdapter(CLUSTER_HEARTBEAT), spansProcesses: true };
  return { factory: undefined, spansProcesses: false };
}
