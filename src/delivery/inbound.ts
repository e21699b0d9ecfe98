import type { MessageEnvelope } from '../shared/message.js';
import type { Store, StoredMessage } from '../store/store.js';
import type { ParleyServer } from '../types.js';

/** The deployment this server is part of, as far as messages travel. */
export interface DeploymentShape {
  /** Other servers exist (cluster workers, or other nodes): the adapter spans processes. */
  readonly clustered: boolean;
  /** Other nodes exist (Redis): this node's name, the same in all its workers (PARLEY_NODE_ID). */
  readonly acrossNodes?: { readonly node: string } | undefined;
}

/**
 * How messages stored by the other servers of the deployment reach this one:
 * - `none`: no other server;
 * - `writer`: from the node's writer only (Store.watchAppends);
 * - `writer+nodes`: this node's from its writer, the other nodes' through the adapter;
 * - `adapter`: all of them through the adapter (no writer tells this process).
 */
export type InboundPath = 'none' | 'writer' | 'writer+nodes' | 'adapter';

/**
 * The one place the inbound path is picked, by the deployment's shape, so that each server
 * hears of each message stored elsewhere once:
 *
 * - **One process** (no other server): `none`; its own appends go straight to its feeds
 *   (Delivery.announce).
 * - **One node of several workers** (node:cluster, no Redis): `writer`. The node's writer
 *   (the primary, src/cluster/primary.ts) tells every other worker of each commit as it
 *   replies to the sender, in commit order. Nothing crosses the adapter.
 * - **Several nodes over Redis**: `writer+nodes`. The workers of a node still hear each other
 *   from their writer, and the other nodes through the adapter (`message:stored`, which
 *   names the sender's node). The Redis adapter reaches every server, this node's own
 *   workers included, and cannot leave them out; so an announcement from this node is
 *   dropped on arrival, before any feed sees it: the writer told this worker already. The
 *   writer's path is kept for the node because it is quicker (no Redis round trip) and
 *   because it keeps a node's clients chatting while Redis is away (README, "Redis is
 *   unreachable").
 * - A cluster whose store tells nobody (a node of one lone process over Redis): `adapter`,
 *   every announcement heard, whichever node sent it.
 *
 * Delivery stays exactly-once and in order on every path: a room's feed delivers offset
 * `head + 1` and nothing else, and reads a gap from the store (./room-feed.ts).
 */
export function inboundPath(shape: DeploymentShape, writerTells: boolean): InboundPath {
  if (!shape.clustered) return 'none';
  if (!writerTells) return 'adapter';
  return shape.acrossNodes === undefined ? 'writer' : 'writer+nodes';
}

/** Hears of the messages other servers store (by the path inboundPath picks), and tells them of this one's. */
export class Inbound {
  readonly path: InboundPath;
  private readonly stopWatching: (() => void) | undefined;
  /** The node announcements name as their sender (`''` when nobody filters by it). */
  private readonly node: string;

  constructor(
    private readonly io: ParleyServer,
    store: Store,
    shape: DeploymentShape,
    offer: (message: MessageEnvelope) => void,
  ) {
    this.path = inboundPath(shape, store.watchAppends !== undefined);
    this.node = shape.acrossNodes?.node ?? '';
    if (this.path === 'writer' || this.path === 'writer+nodes') {
      this.stopWatching = store.watchAppends?.((messages: readonly StoredMessage[]) => {
        for (const message of messages) offer(message);
      });
    }
    if (this.path === 'adapter') io.on('message:stored', (message) => offer(message));
    if (this.path === 'writer+nodes') {
      io.on('message:stored', (message, fromNode) => {
        if (fromNode !== this.node) offer(message);
      });
    }
  }

  /** Tells the servers that do not hear of it from the writer of a message stored here. */
  announce(message: MessageEnvelope): void {
    if (this.path === 'adapter' || this.path === 'writer+nodes') this.io.serverSideEmit('message:stored', message, this.node);
  }

  /** Stops hearing from the writer (shutdown). */
  close(): void {
    this.stopWatching?.();
  }
}
