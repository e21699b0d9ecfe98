import { deliveries } from '../operations/metrics.js';
import type { MessageEnvelope } from '../shared/events.js';
import type { ParleyNamespace } from '../types.js';
import type { EncodedEvents } from './encoded-events.js';
import type { OutboundLimit } from './outbound-limit.js';
import type { Wire } from './wire.js';
import { joinFrames, type EncodedEvent } from './ws-frames.js';

/**
 * Writes a feed's newly delivered messages to a wire's live Socket.IO room. Each message
 * is encoded once (EncodedEvents), and all the messages of one flush reach a WebSocket in
 * one write, sharing one buffer among every socket that gets them all: a busy room costs
 * one socket write per client per event-loop turn, not one per message.
 *
 * Written straight to each socket's engine.io connection rather than broadcast through the
 * adapter, which would encode and write every message separately (and keep a copy for
 * connection state recovery, which Parley does not use for messages; see Delivery).
 * Not paced: a socket that cannot keep up is closed by the outbound limit, and catches up
 * from the store when its client reconnects.
 */
export class LiveWriter {
  constructor(
    private readonly nsp: ParleyNamespace,
    private readonly encoded: EncodedEvents,
    private readonly outbound: OutboundLimit,
  ) {}

  /** Sends `messages` (in offset order) to the sockets in `roomKey`, as `wire` carries them. */
  write(wire: Wire, roomKey: string, messages: readonly MessageEnvelope[]): void {
    const members = this.nsp.adapter.rooms.get(roomKey);
    if (!members || members.size === 0) return;
    const events: EncodedEvent[] = [];
    const left = new Map<string, Set<EncodedEvent>>();
    for (const message of messages) {
      const event = this.encoded.of(wire, message);
      if (!event) continue;
      events.push(event);
      for (const socketId of wire.except(message)) {
        const skipped = left.get(socketId) ?? new Set<EncodedEvent>();
        skipped.add(event);
        left.set(socketId, skipped);
      }
    }
    if (events.length === 0) return;
    const frames = joinFrames(events);
    let written = 0;
    for (const socketId of members) {
      const socket = this.nsp.sockets.get(socketId);
      if (!socket) continue;
      const skipped = left.get(socketId);
      if (skipped) {
        const mine = events.filter((event) => !skipped.has(event));
        this.outbound.write(socket, mine);
        written += mine.length;
      } else {
        this.outbound.write(socket, events, frames);
        written += events.length;
      }
    }
    deliveries.inc({ path: 'live' }, written);
  }
}
