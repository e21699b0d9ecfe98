import type { MessageEnvelope } from '../shared/events.js';
import type { Wire } from './wire.js';
import { encodeEvent, type EncodedEvent, type PacketEncoder } from './ws-frames.js';

/**
 * Each message encoded once per wire and shared by every socket it goes to, live or
 * catching up (500 clients catching up on 2,000 messages encode 2,000 events, not
 * 1,000,000). An encoding lives as long as its envelope: in a feed's recent memory, or in
 * one shared store read.
 */
export class EncodedEvents {
  private readonly byWire = new Map<Wire, WeakMap<MessageEnvelope, EncodedEvent | null>>();

  constructor(private readonly encoder: PacketEncoder) {}

  /** `message` as `wire` carries it, or null if the wire skips it. */
  of(wire: Wire, message: MessageEnvelope): EncodedEvent | null {
    let cache = this.byWire.get(wire);
    if (!cache) {
      cache = new WeakMap();
      this.byWire.set(wire, cache);
    }
    let encoded = cache.get(message);
    if (encoded === undefined) {
      encoded = this.encode(wire.event(message));
      cache.set(message, encoded);
    }
    return encoded;
  }

  private encode(event: readonly unknown[] | undefined): EncodedEvent | null {
    if (!event) return null;
    // Frames are encoded for the main namespace, the only one Parley serves.
    const encoded = encodeEvent(this.encoder, '/', event);
    // Wires carry texts and numbers; a binary argument would be a bug in a wire.
    if (!encoded) throw new Error(`the wire event '${String(event[0])}' does not encode to one text packet`);
    return encoded;
  }
}
