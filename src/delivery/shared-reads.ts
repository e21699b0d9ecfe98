import type { MessageEnvelope } from '../shared/events.js';
import type { Store } from '../store/store.js';

/** Messages kept in full batches for reuse; about 1 to 2 MB with their frames. */
const DEFAULT_CAPACITY_MESSAGES = 8192;

/**
 * Catch-up's store reads, shared. Clients that catch up on the same room from the same
 * offset at about the same time (a reconnect storm after a restart, when no feed holds
 * the history in memory yet) share one read, and with it the same envelopes, so the
 * CatchUpWriter frames each message once for all of them.
 *
 * History is append-only, so a full batch (`limit` messages) read once is the answer
 * for ever and is kept, the oldest dropped first beyond `capacityMessages`. A short batch
 * is shared only while its read is in flight: later callers may know of newer offsets,
 * and must read again rather than see the same short answer.
 */
export class SharedReads {
  private readonly batches = new Map<string, Promise<readonly MessageEnvelope[]>>();
  private readonly sizes = new Map<string, number>();
  private keptMessages = 0;

  constructor(
    private readonly store: Store,
    private readonly capacityMessages = DEFAULT_CAPACITY_MESSAGES,
  ) {}

  /** Up to `limit` messages of the room with offset > `afterOffset`, in offset order. */
  after(roomId: number, afterOffset: number, limit: number): Promise<readonly MessageEnvelope[]> {
    const key = `${roomId}:${afterOffset}:${limit}`;
    const shared = this.batches.get(key);
    if (shared) return shared;
    const read = this.store.messagesAfter(roomId, afterOffset, limit);
    this.batches.set(key, read);
    read.then(
      (messages) => (messages.length === limit ? this.keep(key, limit) : this.forget(key, read)),
      () => this.forget(key, read),
    );
    return read;
  }

  private keep(key: string, size: number): void {
    this.sizes.set(key, size);
    this.keptMessages += size;
    // Maps iterate in insertion order: the first kept batch is the oldest.
    for (const [oldest, oldestSize] of this.sizes) {
      if (this.keptMessages <= this.capacityMessages) break;
      this.sizes.delete(oldest);
      this.batches.delete(oldest);
      this.keptMessages -= oldestSize;
    }
  }

  private forget(key: string, read: Promise<readonly MessageEnvelope[]>): void {
    if (this.batches.get(key) === read) this.batches.delete(key);
  }
}
