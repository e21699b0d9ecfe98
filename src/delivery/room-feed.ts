import type { Logger } from '../log.js';
import type { MessageEnvelope } from '../shared/events.js';
import type { Store } from '../store/store.js';
import { RecentMessages } from './recent-messages.js';
import { changesHistory } from './redaction.js';

/** Sends messages, in offset order, to every local socket in the feed's Socket.IO rooms. */
export type RoomEmitter = (messages: readonly MessageEnvelope[]) => void;

/**
 * The one path by which a room's messages reach this process's sockets, in offset order,
 * each once. Messages stored anywhere in the deployment are offered to it in whatever
 * order the network brings them; it delivers offset `head + 1` and nothing else, holding
 * early arrivals back and fetching a gap from the store (offsets commit in order, so a gap
 * below a stored offset is always readable).
 *
 * Delivered messages go out together at the end of the event-loop turn (`flush`), so the
 * messages that become deliverable in one turn (a group commit's worth, or several
 * announcements read from the cluster channel at once) reach each socket in one write.
 * `head` counts them as delivered at once: a socket catching up sends itself everything up
 * to `head`, flushes the feed, and joins the Socket.IO room in the same synchronous step
 * (see Delivery.catchUp), so it sees every later offset exactly once.
 */
export class RoomFeed {
  /** The last offset emitted to the room; -1 until the starting head is read. */
  private headOffset = -1;
  private readonly early = new Map<number, MessageEnvelope>();
  /** Recent messages by offset, for catch-up without a store read. */
  private readonly recent: RecentMessages;
  private wantedHead = 0;
  private filling: Promise<void> | undefined;
  /** Something wanted more while `filling` ran. */
  private refill = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly waiters: { offset: number; resolve: () => void }[] = [];
  /** Delivered, not yet written to the room: the current turn's messages. */
  private pending: MessageEnvelope[] = [];
  private flushScheduled = false;
  /** A gap read is due at the end of this turn (see advance). */
  private fillScheduled = false;
  private closed = false;

  /** Resolves once the starting head is known. */
  readonly ready: Promise<void>;

  constructor(
    readonly roomId: number,
    private readonly store: Store,
    private readonly emit: RoomEmitter,
    private readonly log: Logger,
    recentCapacity = 2048,
    /** Told when a delivered deletion or edit changed earlier messages (reads kept elsewhere are stale). */
    private readonly onHistoryChanged: () => void = () => undefined,
  ) {
    this.recent = new RecentMessages(recentCapacity);
    this.ready = store.roomHead(roomId).then((head) => {
      this.headOffset = head;
      this.wantedHead = Math.max(this.wantedHead, head);
      this.advance();
    });
  }

  /** The last offset delivered to this process's sockets in the room (written, or about to be at the end of this turn). */
  get head(): number {
    return this.headOffset;
  }

  /** A message was stored (here or on another server): deliver it in its turn. */
  offer(message: MessageEnvelope): void {
    if (this.closed || (this.headOffset >= 0 && message.offset <= this.headOffset)) return;
    this.early.set(message.offset, message);
    this.wantedHead = Math.max(this.wantedHead, message.offset);
    this.advance();
  }

  /** The room's history reaches at least `offset`: fetch whatever this process lacks. */
  hint(offset: number): void {
    if (this.closed || offset <= this.wantedHead) return;
    this.wantedHead = offset;
    this.advance();
  }

  /** Resolves once `head >= offset` and it was written to the room (the caller made sure `offset` is stored). */
  reach(offset: number): Promise<void> {
    if (this.headOffset >= offset && this.pending.length === 0) return Promise.resolve();
    this.hint(offset);
    return new Promise((resolve) => this.waiters.push({ offset, resolve }));
  }

  /**
   * Messages after `offset` from memory, at most `limit`, or undefined when memory no
   * longer holds `offset + 1` (the caller reads the store instead).
   */
  recentAfter(offset: number, limit: number): MessageEnvelope[] | undefined {
    const last = Math.min(this.headOffset, offset + limit);
    if (last <= offset) return [];
    return this.recent.range(offset + 1, last);
  }

  /**
   * Whether the feed has nothing under way: no message waiting to be written, no reader
   * waiting for an offset, no gap being read. Only an idle feed may be closed.
   */
  get idle(): boolean {
    return this.pending.length === 0 && this.waiters.length === 0 && this.early.size === 0 && !this.filling && this.headOffset >= this.wantedHead;
  }

  /**
   * Stops the feed for good: it delivers nothing more, so a new feed of the same room can
   * take over without a message written twice. Only call while `idle`.
   */
  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  /**
   * Writes the messages delivered since the last flush to the room, then wakes those
   * waiting for them. Runs by itself at the end of the turn; a socket about to join the
   * room calls it first, so that it joins after them.
   */
  flush(): void {
    if (this.pending.length > 0) {
      const messages = this.pending;
      this.pending = [];
      this.emit(messages);
    }
    this.wakeWaiters();
  }

  private deliver(message: MessageEnvelope): void {
    this.headOffset = message.offset;
    // As the store holds it: a reaction that raced its message's deletion goes out erased.
    const kept = this.recent.add(message);
    this.pending.push(kept);
    if (changesHistory(kept)) this.onHistoryChanged();
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        this.flush();
      });
    }
  }

  /**
   * Delivers what is in order; a gap up to `wantedHead` that remains is read from the store
   * at the end of this turn, not at once. The missing messages are often on their way in
   * this very turn: an IPC read emits several messages in a row, and the acknowledgement
   * of this process's own append announces it only in the microtasks that follow them.
   */
  private advance(): void {
    this.deliverInOrder();
    if (this.headOffset < this.wantedHead && !this.fillScheduled && !this.closed) {
      this.fillScheduled = true;
      setImmediate(() => {
        this.fillScheduled = false;
        if (!this.closed && this.headOffset >= 0 && this.headOffset < this.wantedHead) this.fillGap();
      });
    }
  }

  private deliverInOrder(): void {
    if (this.headOffset < 0 || this.closed) return;
    for (let next = this.early.get(this.headOffset + 1); next; next = this.early.get(this.headOffset + 1)) {
      this.early.delete(next.offset);
      this.deliver(next);
    }
    for (const stale of this.early.keys()) if (stale <= this.headOffset) this.early.delete(stale);
    if (this.pending.length === 0) this.wakeWaiters();
  }

  private fillGap(): void {
    if (this.filling) {
      this.refill = true;
      return;
    }
    this.refill = false;
    let failed = false;
    this.filling = this.fetchMissing()
      .catch((error: unknown) => {
        failed = true;
        this.log.warn({ err: error, roomId: this.roomId }, 'could not fetch missing messages');
      })
      .finally(() => {
        this.filling = undefined;
        if (this.closed || this.headOffset >= this.wantedHead) return;
        // An offer or hint came in after the last read (a write's acknowledgement resumes
        // its sender, which announces, in the microtasks that end this read): read again
        // now, or everything behind it waits for the retry below.
        if (this.refill && !failed) {
          this.advance();
          return;
        }
        // The store failed, or does not show what was announced yet: look again soon.
        if (!this.retryTimer) {
          this.retryTimer = setTimeout(() => {
            this.retryTimer = undefined;
            this.advance();
          }, 250);
          this.retryTimer.unref();
        }
      });
  }

  private async fetchMissing(): Promise<void> {
    while (this.headOffset < this.wantedHead) {
      const missing = await this.store.messagesAfter(this.roomId, this.headOffset, Math.min(this.wantedHead - this.headOffset, 500));
      if (missing.length === 0) return;
      for (const message of missing) this.early.set(message.offset, message);
      const before = this.headOffset;
      this.deliverInOrder();
      if (this.headOffset === before) return;
    }
  }

  private wakeWaiters(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const waiter = this.waiters[i];
      if (waiter && waiter.offset <= this.headOffset) {
        this.waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }
}
