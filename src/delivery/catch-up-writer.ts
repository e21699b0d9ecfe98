import type { MessageEnvelope } from '../shared/events.js';
import type { ParleySocket } from '../types.js';
import type { EncodedEvents } from './encoded-events.js';
import type { Wire } from './wire.js';
import { writeEvents, type EncodedEvent } from './ws-frames.js';

/**
 * Writes catch-up batches: the messages of a batch that a wire carries to the socket, each
 * encoded once for all sockets (EncodedEvents), the whole batch in one WebSocket write.
 */
export class CatchUpWriter {
  constructor(private readonly encoded: EncodedEvents) {}

  /** Sends `socket` the messages of `batch` that `wire` carries to it, in order. */
  write(socket: ParleySocket, wire: Wire, batch: readonly MessageEnvelope[]): void {
    if (!socket.connected) return;
    const events: EncodedEvent[] = [];
    for (const message of batch) {
      const event = this.encoded.of(wire, message);
      if (event && !wire.except(message).includes(socket.id)) events.push(event);
    }
    writeEvents(socket, events);
  }
}
