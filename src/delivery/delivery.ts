import type { Logger } from '../log.js';
import type { MessageEnvelope } from '../shared/events.js';
import type { Store } from '../store/store.js';
import type { ParleyServer, ParleySocket } from '../types.js';
import { catchUpMessages, deliveries } from '../operations/metrics.js';
import { CatchUpWriter } from './catch-up-writer.js';
import { EncodedEvents } from './encoded-events.js';
import { Inbound } from './inbound.js';
import { LiveWriter } from './live-writer.js';
import { OutboundLimit } from './outbound-limit.js';
import { RoomFeed } from './room-feed.js';
import { SharedReads } from './shared-reads.js';
import type { Wire } from './wire.js';
import { waitUntilWritable } from './writable.js';

export type { Wire } from './wire.js';

export interface DeliveryOptions {
  /** Other servers exist: stored messages must reach them (see ./inbound.ts). */
  readonly clustered: boolean;
  /**
   * Other nodes exist (Redis): this node's name, the same in all its workers
   * (PARLEY_NODE_ID). The store's `watchAppends` reaches this node's servers only, so the
   * other nodes hear of stored messages through the adapter. @default undefined (one node)
   */
  readonly acrossNodes?: { readonly node: string } | undefined;
  /** Messages sent to one catching-up socket before yielding to the others. */
  readonly catchUpBatchSize: number;
  /** How often feeds are looked at; one unused at two looks in a row is closed. @default 60000 */
  readonly feedSweepMs?: number;
  /** Bytes a connection may hold unsent before it is closed (see OutboundLimit). @default 4 MiB */
  readonly maxOutboundBytes?: number;
}


/**
 * Gets every stored message to every socket that follows its room: exactly once, in offset
 * order, with no gap, whatever the timing. Owns one RoomFeed per room followed here, the
 * announcements between servers, and the catch-up of (re)connecting sockets.
 *
 * Messages never travel through the Socket.IO adapter's broadcast, so connection state
 * recovery neither keeps nor replays them, and a recovered connection is not put back in
 * its live rooms: like any other connection it is caught up from the offset its client
 * names, then joins (the adapter, picked in adapter.ts, leaves live rooms out of the
 * sessions it keeps). The store is the one source of what a client missed.
 */
export class Delivery {
  private readonly feeds = new Map<number, RoomFeed>();
  private readonly catchUpWriter: CatchUpWriter;
  private readonly liveWriter: LiveWriter;
  private readonly outbound: OutboundLimit;
  private readonly reads: SharedReads;
  /** Catch-ups under way, by room: their feed must stay open. */
  private readonly catchingUp = new Map<number, number>();
  /** Feeds found unused at the last sweep. */
  private unused = new Set<RoomFeed>();
  private readonly sweeper: NodeJS.Timeout;
  /** How the other servers' messages reach this one, and this one's reach them. */
  private readonly inbound: Inbound;
  /** The link between servers (Redis): its losses so far, and whether it is down now. */
  private readonly link = { losses: 0, down: false };

  constructor(
    private readonly io: ParleyServer,
    private readonly store: Store,
    private readonly wires: readonly Wire[],
    private readonly log: Logger,
    private readonly options: DeliveryOptions,
  ) {
    const encoded = new EncodedEvents(io.encoder);
    this.outbound = new OutboundLimit(options.maxOutboundBytes ?? 4 * 1024 * 1024, log);
    this.catchUpWriter = new CatchUpWriter(encoded, this.outbound);
    this.liveWriter = new LiveWriter(io.of('/'), encoded, this.outbound);
    this.reads = new SharedReads(store);
    this.inbound = new Inbound(io, store, options, (message) => this.feeds.get(message.roomId)?.offer(message));
    io.on('room:head', (roomId, offset) => this.feeds.get(roomId)?.hint(offset));
    this.sweeper = setInterval(() => this.closeUnusedFeeds(), options.feedSweepMs ?? 60_000);
    this.sweeper.unref();
  }

  /**
   * The feed of a room, opened on first use and closed once nobody here has followed the
   * room for a while (see closeUnusedFeeds). A feed that could not read its starting head
   * (the store was down) is dropped at once, so the next use opens a new one.
   */
  feed(roomId: number): RoomFeed {
    let feed = this.feeds.get(roomId);
    if (!feed) {
      const targets = this.wires.map((wire) => ({ wire, key: wire.key(roomId) }));
      // A new feed did not see the deletions and edits stored since reads of the room were kept.
      this.reads.forgetRoom(roomId);
      const opened = new RoomFeed(
        roomId,
        this.store,
        (messages) => {
          for (const { wire, key } of targets) this.liveWriter.write(wire, key, messages);
        },
        this.log,
        undefined,
        () => this.reads.forgetRoom(roomId),
      );
      opened.ready.catch(() => {
        if (this.feeds.get(roomId) === opened) this.feeds.delete(roomId);
      });
      this.feeds.set(roomId, opened);
      feed = opened;
    }
    return feed;
  }

  /** Whether this process has a room's feed open (a socket follows it, or did lately). */
  hasFeed(roomId: number): boolean {
    return this.feeds.has(roomId);
  }

  /**
   * Reads the head of every room followed here from the store and lets each feed fetch
   * what it lacks: after the link between servers was down (Redis restarted, or this node
   * cut from it), the announcements sent meanwhile are lost, and a room that goes quiet
   * would otherwise not reveal its gap until its next message.
   */
  async resync(): Promise<void> {
    this.link.down = false;
    await Promise.all(
      [...this.feeds.entries()].map(async ([roomId, feed]) => {
        try {
          feed.hint(await this.store.roomHead(roomId));
        } catch (error) {
          this.log.warn({ err: error, roomId }, 'resync: could not read the room head; its next message will reveal the gap');
        }
      }),
    );
  }

  /**
   * The link between servers (Redis) was lost: what other servers announced or changed in
   * the rooms meanwhile (a socketsLeave of a member who left) may never arrive. resync()
   * is called once it is back.
   */
  linkLost(): void {
    this.link.down = true;
    this.link.losses++;
  }

  /**
   * Stays the same as long as nothing sent between servers can have been lost: undefined
   * while the link is down, a new value after each loss. What a server learnt only by
   * hearing nothing (that no other server took a socket out of a live room) holds for one term.
   */
  get linkTerm(): number | undefined {
    return this.link.down ? undefined : this.link.losses;
  }

  /** Stops closing unused feeds and hearing of other servers' appends (shutdown). */
  close(): void {
    clearInterval(this.sweeper);
    this.outbound.stop();
    this.inbound.close();
  }

  /** Writes out what every feed delivered this turn (before the sockets are closed). */
  flush(): void {
    for (const feed of this.feeds.values()) feed.flush();
  }

  /**
   * A message was just stored here: deliver it locally, and tell the other servers that
   * do not hear of it from the node's writer (see ./inbound.ts).
   */
  announce(message: MessageEnvelope): void {
    this.feeds.get(message.roomId)?.offer(message);
    this.inbound.announce(message);
  }

  /**
   * A retry found its message stored already. It is not broadcast again, but if the first
   * attempt's server died between storing and announcing, servers may lack it: this lets
   * them fetch it.
   */
  announceHead(roomId: number, offset: number): void {
    this.feeds.get(roomId)?.hint(offset);
    if (this.options.clustered) this.io.serverSideEmit('room:head', roomId, offset);
  }

  /**
   * Sends `socket` every message of the room after `fromOffset`, in bounded batches, then
   * joins it to `wire`'s live room at the exact offset the feed has reached, so that
   * nothing is missed or repeated at the seam. Returns false if the socket left first, or
   * `wanted` turned false (it stopped following the room).
   */
  async catchUp(
    socket: ParleySocket,
    roomId: number,
    fromOffset: number,
    wire: Wire,
    wanted: () => boolean = () => true,
  ): Promise<boolean> {
    this.catchingUp.set(roomId, (this.catchingUp.get(roomId) ?? 0) + 1);
    try {
      return await this.catchUpOnFeed(this.feed(roomId), socket, fromOffset, wire, wanted);
    } finally {
      const left = (this.catchingUp.get(roomId) ?? 1) - 1;
      if (left > 0) this.catchingUp.set(roomId, left);
      else this.catchingUp.delete(roomId);
    }
  }

  private async catchUpOnFeed(
    feed: RoomFeed,
    socket: ParleySocket,
    fromOffset: number,
    wire: Wire,
    wanted: () => boolean,
  ): Promise<boolean> {
    const { roomId } = feed;
    await feed.ready;
    let cursor = fromOffset;
    const { catchUpBatchSize } = this.options;
    const sentFrom = cursor;
    while (socket.connected && wanted()) {
      if (cursor > feed.head) {
        // The client saw more than this server has delivered: either this feed lags a
        // moment behind another server, or the client's offset is not from this history.
        const stored = await this.store.roomHead(roomId);
        if (cursor > stored) {
          this.log.info({ roomId, claimed: cursor, stored }, 'client offset beyond history; using the history head');
          cursor = stored;
        }
        await feed.reach(cursor);
        continue;
      }
      if (cursor === feed.head) {
        // Synchronous with the check above: no write to the room can fall in between. The
        // socket has what the feed holds for this turn's flush already, so that goes first.
        feed.flush();
        await socket.join(wire.key(roomId));
        catchUpMessages.observe(cursor - sentFrom);
        return true;
      }
      const batch =
        feed.recentAfter(cursor, catchUpBatchSize) ?? (await this.reads.after(roomId, cursor, catchUpBatchSize));
      const next = inOrderAfter(cursor, batch);
      this.catchUpWriter.write(socket, wire, next);
      deliveries.inc({ path: 'catch_up' }, next.length);
      cursor = next.at(-1)?.offset ?? cursor;
      await waitUntilWritable(socket);
    }
    return false;
  }

  /**
   * Closes the feeds of rooms that no socket here has followed since the last sweep: a
   * feed holds the room's recent messages, and a server sees many rooms come and go
   * (direct rooms above all). A feed with work under way, a catch-up on it, or a socket in
   * one of its live rooms stays.
   */
  private closeUnusedFeeds(): void {
    const rooms = this.io.of('/').adapter.rooms;
    const unused = new Set<RoomFeed>();
    for (const [roomId, feed] of this.feeds) {
      const followed = this.wires.some((wire) => (rooms.get(wire.key(roomId))?.size ?? 0) > 0);
      if (followed || !feed.idle || this.catchingUp.has(roomId)) continue;
      if (!this.unused.has(feed)) {
        unused.add(feed);
        continue;
      }
      feed.close();
      this.feeds.delete(roomId);
    }
    this.unused = unused;
  }
}

/** The messages of `batch` that continue `cursor` without a gap: cursor + 1, cursor + 2, ... */
function inOrderAfter(cursor: number, batch: readonly MessageEnvelope[]): readonly MessageEnvelope[] {
  const start = batch.findIndex((message) => message.offset > cursor);
  if (start < 0) return [];
  let end = start;
  while (end < batch.length && batch[end]?.offset === cursor + 1 + end - start) end++;
  return start === 0 && end === batch.length ? batch : batch.slice(start, end);
}
