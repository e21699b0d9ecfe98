import type { NodeStatus } from '../operations/readiness.js';
import type { WriteBatch } from '../store/index.js';
import type { WriterNews } from './writer-post.js';

/** Messages between the cluster primary and its workers (besides the adapter's own). */
export type PrimaryToWorker =
  /** A TCP connection for the worker, with the bytes the primary read to route them. */
  | { readonly parley: 'connection'; readonly head: string }
  /** Finish in-flight messages, close, exit 0. */
  | { readonly parley: 'shutdown' }
  /** The node is stopping (its pre-stop window): answer /readyz with 503 from now, keep serving. */
  | { readonly parley: 'unready' }
  /**
   * The shared writer's news of one commit, in commit order: replies to the worker's batches
   * of store writes, and the messages the other workers stored, for this worker's feeds.
   */
  | { readonly parley: 'store-news'; readonly items: readonly WriterNews[] }
  /** The answers to the worker's `slot-acquire` asks, each by the ask's id. */
  | { readonly parley: 'slot-granted'; readonly answers: readonly { readonly id: number; readonly granted: boolean }[] }
  /** The answer to the worker's `node-status` with the same id. */
  | ({ readonly parley: 'node-status'; readonly id: number } & NodeStatus);


export type WorkerToPrimary =
  /** The worker accepts connections. */
  | { readonly parley: 'ready' }
  /** Store writes for the shared writer (SQLite: one writer per database file). */
  | ({ readonly parley: 'store-writes' } & WriteBatch)
  /**
   * New Socket.IO sessions ask for one of their address's connection slots each: all the
   * asks of one turn of the worker's event loop in one message (src/cluster/slot-channel.ts).
   */
  | { readonly parley: 'slot-acquire'; readonly asks: readonly { readonly id: number; readonly address: string }[] }
  /** Sessions closed: a slot of each address listed (once per session) is free. */
  | { readonly parley: 'slot-release'; readonly addresses: readonly string[] }
  /** How is the node? (readiness; answered with the same id) */
  | { readonly parley: 'node-status?'; readonly id: number };

export function isParleyMessage(message: unknown): message is { parley: string } {
  return typeof message === 'object' && message !== null && typeof (message as { parley?: unknown }).parley === 'string';
}
