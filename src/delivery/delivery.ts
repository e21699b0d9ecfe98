import type { Logger } from '../log.js';
import type { MessageEnvelope } from '../shared/events.js';
import type { Store } from '../store/store.js';
import type { ParleyServer, ParleySocket } from '../types.js';
import { CatchUpWriter } from './catch-up-writer.js';
import { RoomFeed } from './room-feed.js';
import { SharedReads } from './shared-reads.js';
import { waitUntilWritable } from './writable.js';

/**
 * How a room's messages are put on the wire: to a whole room at once, or to one socket.
 * Each wire has its own Socket.IO room per chat room (`key`), so one feed can serve
 * clients of different protocols from the same offsets.
 */
export interface Wire {
  /** The Socket.IO room that holds this wire's live (caught-up) sockets of a chat room. */
  key(roomId: number): string;
  toRoom(io: ParleyServer, roomKey: string, message: MessageEnvelope): void;
  /** The event name and arguments that carry `message`, or undefined if this wire skips it. */
  event(message: MessageEnvelope): readonly unknown[] | undefined;
  /** False if `socket` must not get `message` (the room protocol leaves out its sender). */
  sendsTo(socket: ParleySocket, message: MessageEnvelope): boolean;
}

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
 */
export class Delivery {
  private readonly feeds = new Map<number, RoomFeed>();
  private readonly writer: CatchUpWriter;
  private readonly reads: SharedReads;

  constructor(
    private readonly io: ParleyServer,
    private readonly store: Store,
    private readonly wires: readonly Wire[],
    private readonly log: Logger,
    private readonly options: DeliveryOptions,
  ) {
    this.writer = new CatchUpWriter(io.encoder);
    this.reads = new SharedReads(store);
    io.on('message:stored', (message) => this.feeds.get(message.roomId)?.offer(message));
    io.on('room:head', (roomId, offset) => this.feeds.get(roomId)?.hint(offset));
  }

  /** The feed of a room, opened on first use. */
  feed(roomId: number): RoomFeed {
    let feed = this.feeds.get(roomId);
    if (!feed) {
      const targets = this.wires.map((wire) => ({ wire, key: wire.key(roomId) }));
      feed = new RoomFeed(
        roomId,
        this.store,
        (message) => {
          for (const { wire, key } of targets) wire.toRoom(this.io, key, message);
        },
        this.log,
      );
      this.feeds.set(roomId, feed);
    }
    return feed;
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
        // Synchronous with the check above: no emit to the room can fall in between.
        await socket.join(wire.key(roomId));
        return true;
      }
      const batch =
        feed.recentAfter(cursor, catchUpBatchSize) ?? (await this.reads.after(roomId, cursor, catchUpBatchSize));
      const next = inOrderAfter(cursor, batch);
      this.writer.write(socket, wire, next);
      cursor = next.at(-1)?.offset ?? cursor;
      await waitUntilWritable(socket);
    }
    return false;
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
