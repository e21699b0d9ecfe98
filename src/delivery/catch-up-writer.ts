import type { MessageEnvelope } from '../shared/events.js';
import type { ParleySocket } from '../types.js';
import type { EncodedEvents } from './encoded-events.js';
import type { OutboundLimit } from './outbound-limit.js';
import type { Wire } from './wire.js';
import type { EncodedEvent } from './ws-frames.js';

/**
 * Writes catch-up batches: the messages of a batch that a wire carries to the socket, each
 * encoded once for all sockets (EncodedEvents), the whole batch in one WebSocket write.
 * Paced by the caller (waitUntilWritable); a client that stops reading altogether is
 * closed by the outbound limit.
 */
export class CatchUpWriter {
  constructor(
    private readonly encoded: EncodedEvents,
    private readonly outbound: OutboundLimit,
  ) {}

  /** Sends `socket` the messages of `batch` that `wire` carries to it, in order. */
  write(socket: ParleySocket, wire: Wire, batch: readonly MessageEnvelope[]): void {
    if (!socket.connected) return;
    const events: EncodedEvent[] = [];
    for (const message of batch) {
      const event = this.encoded.of(wire, message);
      if (event && !wire.except(message).includes(socket.id)) events.push(event);
    }
    this.outbound.write(socket, events);
  }
}
