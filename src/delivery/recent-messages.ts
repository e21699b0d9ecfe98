import type { MessageEnvelope } from '../shared/events.js';

/** Slots a room's memory starts with: most rooms (direct ones above all) stay small. */
const INITIAL_SLOTS = 16;

/**
 * A room's latest messages by offset, at most `capacity`, so that a client a little behind
 * catches up without a store read. A ring indexed by offset that doubles, up to
 * `capacity`, when the room outgrows it.
 */
export class RecentMessages {
  private ring: (MessageEnvelope | undefined)[] = new Array<MessageEnvelope | undefined>(INITIAL_SLOTS);

  constructor(private readonly capacity: number) {}

  /** Remembers the room's next message (offsets are added in increasing order). */
  add(message: MessageEnvelope): void {
    const displaced = this.ring[message.offset % this.ring.length];
    if (displaced && displaced.offset > message.offset - this.capacity && this.ring.length < this.capacity) this.grow();
    this.ring[message.offset % this.ring.length] = message;
  }

  /** Messages `from` to `to` (inclusive), or undefined if one of them is no longer held. */
  range(from: number, to: number): MessageEnvelope[] | undefined {
    if (to - from >= this.ring.length) return undefined;
    const messages: MessageEnvelope[] = [];
    for (let offset = from; offset <= to; offset++) {
      const message = this.ring[offset % this.ring.length];
      if (message?.offset !== offset) return undefined;
      messages.push(message);
    }
    return messages;
  }

  private grow(): void {
    const old = this.ring;
    this.ring = new Array<MessageEnvelope | undefined>(Math.min(this.capacity, old.length * 2));
    for (const message of old) if (message) this.ring[message.offset % this.ring.length] = message;
  }
}
