import cluster from 'node:cluster';
import type { Namespace, ServerOptions } from 'socket.io';
import { ClusterRecoveryAdapter, LocalRecoveryAdapter } from './delivery/recovery-adapter.js';
import { chatRoomOf } from './socket-rooms.js';

/** The Socket.IO adapter this process uses, and whether it reaches other processes. */
export interface AdapterChoice {
  /** Builds the adapter of each namespace; needs `connectionStateRecovery` in the server options. */
  readonly factory: ServerOptions['adapter'];
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
 * The Socket.IO rooms of a chat room's live followers (`room:<id>`, `tutorial:<id>`): a
 * connection enters them only through delivery's catch-up, so connection state recovery
 * must not restore them (see recovery-adapter.ts).
 */
const isLiveRoom = (room: string): boolean => chatRoomOf(room) !== undefined;

/**
 * The one place the Socket.IO adapter is picked: the node:cluster adapter inside a
 * cluster worker, the in-memory adapter with connection state recovery in a lone process.
 * Both leave live rooms out of recovered sessions.
 */
export function chooseAdapter(redisUrl: string | undefined): AdapterChoice {
  if (redisUrl !== undefined) {
    throw new Error('PARLEY_REDIS_URL is set, but the Redis adapter is not built yet; unset it to run on one machine');
  }
  // Socket.IO calls the factory with `new`: a function expression (unlike an arrow) may be
  // called so, and the object it returns becomes the result.
  if (cluster.isWorker) {
    return {
      factory: function clusterAdapter(nsp: Namespace) {
        return new ClusterRecoveryAdapter(nsp, CLUSTER_HEARTBEAT, isLiveRoom);
      },
      spansProcesses: true,
    };
  }
  return {
    factory: function localAdapter(nsp: Namespace) {
      return new LocalRecoveryAdapter(nsp, isLiveRoom);
    },
    spansProcesses: false,
  };
}
