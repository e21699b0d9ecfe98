import type { Logger } from '../log.js';
import type { MessageEnvelope } from '../shared/events.js';
import type { Store } from '../store/store.js';
import type { ParleyServer, ParleySocket } from '../types.js';
import { CatchUpWriter } from './catch-up-writer.js';
import { EncodedEvents } from './encoded-events.js';
import { LiveWriter } from './live-writer.js';
import { RoomFeed } from './room-feed.js';
import { SharedReads } from './shared-reads.js';
import type { Wire } from './wire.js';
import { waitUntilWritable } from './writable.js';

export type { Wire } from './wire.js';

export interface DeliveryOptions {
  /** Other servers exist: stored messages must be announced to them. */
  readonly clustered: boolean;
  /** Messages sent to one catching-up socket before yielding to the others. */
  readonly catchUpBatchSize: number;
}

/** The Socket.IO room that holds a chat room's live (caught-up) room-protocol sockets. */
export const roomKey = (roomId: number): string => `room:${roomId}`;

/**
 * Gets every stored message to every socket that follows its room: exactly once, in offset
 * order, with no gap, whatever the timing. Owns one RoomFeed per room followed here, the
 * announcements between servers, and the catch-up of (re)connecting sockets.
 *
 * Messages never travel through the Socket.IO adapter's broadcast, so connection state
 * recovery neither keeps nor replays them, and a recovered connection is not put back in
 * its live rooms: like any other connection it is caught up from the offset its client
 * names, then joins. The store is the one source of what a client missed.
 */
export class Delivery {
  private readonly feeds = new Map<number, RoomFeed>();
  private readonly catchUpWriter: CatchUpWriter;
  private readonly liveWriter: LiveWriter;
  private readonly reads: SharedReads;
  /** Every wire's live Socket.IO room of every feed. */
  private readonly liveRooms = new Set<string>();

  constructor(
    private readonly io: ParleyServer,
    private readonly store: Store,
    private readonly wires: readonly Wire[],
    private readonly log: Logger,
    private readonly options: DeliveryOptions,
  ) {
    const encoded = new EncodedEvents(io.encoder);
    this.catchUpWriter = new CatchUpWriter(encoded);
    this.liveWriter = new LiveWriter(io.of('/'), encoded);
    this.reads = new SharedReads(store);
    io.on('message:stored', (message) => this.feeds.get(message.roomId)?.offer(message));
    io.on('room:head', (roomId, offset) => this.feeds.get(roomId)?.hint(offset));
    this.keepLiveRoomsOutOfRecovery();
  }

  /** The feed of a room, opened on first use. */
  feed(roomId: number): RoomFeed {
    let feed = this.feeds.get(roomId);
    if (!feed) {
      const targets = this.wires.map((wire) => ({ wire, key: wire.key(roomId) }));
      for (const { key } of targets) this.liveRooms.add(key);
      feed = new RoomFeed(
        roomId,
        this.store,
        (messages) => {
          for (const { wire, key } of targets) this.liveWriter.write(wire, key, messages);
        },
        this.log,
      );
      this.feeds.set(roomId, feed);
    }
    return feed;
  }

  /** Writes out what every feed delivered this turn (before the sockets are closed). */
  flush(): void {
    for (const feed of this.feeds.values()) feed.flush();
  }

  /** A message was just stored here: deliver it locally and tell the other servers. */
  announce(message: MessageEnvelope): void {
    this.feeds.get(message.roomId)?.offer(message);
    if (this.options.clustered) this.io.serverSideEmit('message:stored', message);
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
    const feed = this.feed(roomId);
    await feed.ready;
    let cursor = fromOffset;
    const { catchUpBatchSize } = this.options;
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
        return true;
      }
      const batch =
        feed.recentAfter(cursor, catchUpBatchSize) ?? (await this.reads.after(roomId, cursor, catchUpBatchSize));
      const next = inOrderAfter(cursor, batch);
      this.catchUpWriter.write(socket, wire, next);
      cursor = next.at(-1)?.offset ?? cursor;
      await waitUntilWritable(socket);
    }
    return false;
  }

  /**
   * A disconnected socket's session, as connection state recovery keeps it (one process,
   * in-memory adapter), leaves out the live rooms: a recovered connection would otherwise
   * be back in them before its middleware and catch-up ran, and get live messages above a
   * gap. Other rooms (a user's tabs, presence) are restored as usual.
   */
  private keepLiveRoomsOutOfRecovery(): void {
    const adapter = this.io.of('/').adapter;
    const persist = adapter.persistSession.bind(adapter);
    adapter.persistSession = (session) => {
      persist({ ...session, rooms: session.rooms.filter((room) => !this.liveRooms.has(String(room))) });
    };
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
