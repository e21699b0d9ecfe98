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
 * The one place the Socket.IO adapter is picked: the node:cluster adapter inside a
 * cluster worker, the in-memory adapter in a lone process.
 */
export function chooseAdapter(redisUrl: string | undefined): AdapterChoice {
  if (redisUrl !== undefined) {
    throw new Error('PARLEY_REDIS_URL is set, but the Redis adapter is not built yet; unset it to run on one machine');
  }
  if (cluster.isWorker) return { factory: createClusterAdapter(), spansProcesses: true };
  return { factory: undefined, spansProcesses: false };
}
