import { catchUpReads } from '../operations/metrics.js';
import type { MessageEnvelope } from '../shared/events.js';
import type { Store } from '../store/store.js';

/** Estimated bytes of full batches kept for reuse, their frames included. */
const DEFAULT_CAPACITY_BYTES = 8 * 1024 * 1024;
/** An envelope's fields and its frame's header, beyond the text. */
const PER_MESSAGE_BYTES = 256;

/** About what a message costs in memory while kept: its text (UTF-16) and its frame (UTF-8). */
const estimatedBytes = (messages: readonly MessageEnvelope[]): number =>
  messages.reduce((bytes, message) => bytes + PER_MESSAGE_BYTES + message.text.length * 5, 0);

/**
 * Catch-up's store reads, shared. Clients that catch up on the same room from the same
 * offset at about the same time (a reconnect storm after a restart, when no feed holds
 * the history in memory yet) share one read, and with it the same envelopes, so the
 * CatchUpWriter frames each message once for all of them.
 *
 * Offsets are append-only, so a full batch (`limit` messages) read once is the answer
 * until a deletion or edit changes one of its messages (`forgetRoom`), and is kept until
 * then, the oldest dropped first beyond `capacityBytes` (estimated). A short batch is
 * shared only while its read is in flight: later callers may know of newer offsets, and
 * must read again rather than see the same short answer.
 */
export class SharedReads {
  private readonly batches = new Map<string, Promise<readonly MessageEnvelope[]>>();
  private readonly sizes = new Map<string, number>();
  private keptBytes = 0;

  constructor(
    private readonly store: Store,
    private readonly capacityBytes = DEFAULT_CAPACITY_BYTES,
  ) {}

  /** Up to `limit` messages of the room with offset > `afterOffset`, in offset order. */
  after(roomId: number, afterOffset: number, limit: number): Promise<readonly MessageEnvelope[]> {
    const key = `${roomId}:${afterOffset}:${limit}`;
    const shared = this.batches.get(key);
    if (shared) {
      catchUpReads.inc({ source: 'shared' });
      return shared;
    }
    catchUpReads.inc({ source: 'store' });
    const read = this.store.messagesAfter(roomId, afterOffset, limit);
    this.batches.set(key, read);
    read.then(
      // Not kept once forgetRoom dropped it while in flight: it may hold erased text.
      (messages) => (messages.length === limit && this.batches.get(key) === read ? this.keep(key, estimatedBytes(messages)) : this.forget(key, read)),
      () => this.forget(key, read),
    );
    return read;
  }

  /**
   * A deletion or edit of the room was stored (or may have been, unseen): drops what is
   * kept or being read of it, so that no later catch-up is served text the store erased.
   */
  forgetRoom(roomId: number): void {
    const prefix = `${roomId}:`;
    for (const key of [...this.batches.keys()]) {
      if (!key.startsWith(prefix)) continue;
      this.batches.delete(key);
      const bytes = this.sizes.get(key);
      if (bytes !== undefined) {
        this.sizes.delete(key);
        this.keptBytes -= bytes;
      }
    }
  }

  private keep(key: string, bytes: number): void {
    this.sizes.set(key, bytes);
    this.keptBytes += bytes;
    // Maps iterate in insertion order: the first kept batch is the oldest.
    for (const [oldest, oldestBytes] of this.sizes) {
      if (this.keptBytes <= this.capacityBytes) break;
      this.sizes.delete(oldest);
      this.batches.delete(oldest);
      this.keptBytes -= oldestBytes;
    }
  }

  private forget(key: string, read: Promise<readonly MessageEnvelope[]>): void {
    if (this.batches.get(key) === read) this.batches.delete(key);
  }
}
