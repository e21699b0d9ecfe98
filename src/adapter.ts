import cluster from 'node:cluster';
import { createAdapter as createRedisStreamsAdapter } from '@socket.io/redis-streams-adapter';
import type { Namespace, ServerOptions } from 'socket.io';
import { ClusterRecoveryAdapter, LocalRecoveryAdapter, holdToRecoveryContract } from './delivery/recovery-adapter.js';
import { redisKeys } from './redis/keys.js';
import { tolerateRedisOutages } from './redis/outage-tolerant-adapter.js';
import type { RedisLink } from './redis/link.js';
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
 * The one place the Socket.IO adapter is picked: with Redis, Socket.IO's Redis Streams
 * adapter in every process of every node (workers of one node talk through Redis too);
 * without, the node:cluster adapter inside a cluster worker and the in-memory adapter in a
 * lone process. All of them leave live rooms out of recovered sessions.
 */
export function chooseAdapter(redis: RedisLink | undefined): AdapterChoice {
  if (redis !== undefined) {
    const keys = redisKeys(redis.prefix);
    const streams = createRedisStreamsAdapter(redis.adapterClient, {
      streamName: keys.adapterStream,
      channelPrefix: keys.adapterChannels,
      sessionKeyPrefix: keys.recoverySessions,
      // Parley's inter-server payloads are JSON (messages, presence reports): no binary scan.
      onlyPlaintext: true,
    });
    return {
      factory: function redisAdapter(nsp: Namespace) {
        return holdToRecoveryContract(tolerateRedisOutages(streams(nsp), redis.connected), nsp, isLiveRoom);
      },
      spansProcesses: true,
    };
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
