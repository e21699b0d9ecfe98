import type { MessageEnvelope } from '../shared/events.js';
import { afterChange, againstTarget, changesHistory } from './redaction.js';

/** Slots a room's memory starts with: most rooms (direct ones above all) stay small. */
const INITIAL_SLOTS = 16;

/**
 * A room's latest messages by offset, at most `capacity`, so that a client a little behind
 * catches up without a store read. A ring indexed by offset that doubles, up to
 * `capacity`, when the room outgrows it. Kept as the store keeps them: a deletion or edit
 * added here erases or rewrites the earlier messages it changes (./redaction.ts).
 */
export class RecentMessages {
  private ring: (MessageEnvelope | undefined)[] = new Array<MessageEnvelope | undefined>(INITIAL_SLOTS);

  constructor(private readonly capacity: number) {}

  /**
   * Remembers the room's next message (offsets are added in increasing order) and applies
   * what it changes. Returns the message as the store holds it (an edit or reaction of a
   * message deleted first is erased).
   */
  add(message: MessageEnvelope): MessageEnvelope {
    const target = message.target === undefined || message.target === null ? undefined : this.at(message.target);
    const kept = againstTarget(message, target);
    const displaced = this.ring[kept.offset % this.ring.length];
    if (displaced && displaced.offset > kept.offset - this.capacity && this.ring.length < this.capacity) this.grow();
    this.ring[kept.offset % this.ring.length] = kept;
    // A deletion or edit is rare: walking the ring (at most `capacity` slots) costs nothing to the usual message.
    if (changesHistory(kept)) {
      for (let slot = 0; slot < this.ring.length; slot++) {
        const earlier = this.ring[slot];
        if (earlier) this.ring[slot] = afterChange(earlier, kept);
      }
    }
    return kept;
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

  private at(offset: number): MessageEnvelope | undefined {
    const message = this.ring[offset % this.ring.length];
    return message?.offset === offset ? message : undefined;
  }

  private grow(): void {
    const old = this.ring;
    this.ring = new Array<MessageEnvelope | undefined>(Math.min(this.capacity, old.length * 2));
    for (const message of old) if (message) this.ring[message.offset % this.ring.length] = message;
  }
}
