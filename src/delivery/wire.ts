import type { MessageEnvelope } from '../shared/events.js';

/**
 * How a room's messages look on the wire to one kind of client. Each wire has its own
 * Socket.IO room per chat room (`key`), so one feed serves clients of different protocols
 * from the same offsets.
 */
export interface Wire {
  /** The Socket.IO room that holds this wire's live (caught-up) sockets of a chat room. */
  key(roomId: number): string;
  /** The event name and arguments that carry `message`, or undefined if this wire skips it. */
  event(message: MessageEnvelope): readonly unknown[] | undefined;
  /** Ids of this process's sockets that must not get `message` (the room protocol leaves out its sender). */
  except(message: MessageEnvelope): readonly string[];
}
