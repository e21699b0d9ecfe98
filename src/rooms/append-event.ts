import { createHash } from 'node:crypto';
import { ErrorCode, fail, ok, type Ack } from '../shared/errors.js';
import type { SentMessage } from '../shared/events.js';
import { UnknownRoomError, type EventKind } from '../store/store.js';
import type { RoomContext } from './context.js';

/** One room event the connection's user is writing. */
export interface EventDraft {
  readonly roomId: number;
  readonly kind: EventKind;
  readonly text: string;
  readonly target: number | null;
  readonly clientId: string;
}

/**
 * Stores an event (once per user and clientId: a retry gets the first one's offset back),
 * delivers it to every follower but this socket, and answers with its offset once this
 * server's feed has delivered it. Waiting for the feed keeps the acknowledgement after
 * every earlier event on this socket, so the client may count the acknowledged offset as
 * seen.
 */
export async function appendEvent(context: RoomContext, event: EventDraft): Promise<Ack<SentMessage>> {
  const { socket, store, delivery, inFlight, roomWire } = context;
  const { user } = socket.data;
  if (!inFlight.accepting) return fail(ErrorCode.UNAVAILABLE, 'the server is shutting down; retry');
  const idempotencyKey = createHash('sha256').update('room-protocol\0').update(user.id).update('\0').update(event.clientId).digest('base64url');
  // Until the acknowledgement is sent, this socket is left out of the event's delivery
  // whichever way this server's feed gets it (announcement or store read).
  const forget = roomWire.origins.register(event.roomId, user.id, event.clientId, socket.id);
  try {
    const { message, duplicate } = await inFlight.track(
      store.appendMessage({ ...event, author: user.name, authorId: user.id, idempotencyKey }),
    );
    if (duplicate) delivery.announceHead(message.roomId, message.offset);
    else delivery.announce({ ...message, origin: socket.id });
    await delivery.feed(message.roomId).reach(message.offset);
    return ok({ serverOffset: message.offset, duplicate });
  } catch (error) {
    if (error instanceof UnknownRoomError) return fail(ErrorCode.UNKNOWN_ROOM, 'the room does not exist');
    throw error;
  } finally {
    forget();
  }
}

/** Checks a text for the room protocol; the refusal when it is unfit. */
export function textProblem(text: string, maxLength: number, allowEmpty = false): Ack<never> | undefined {
  if (text.length === 0 && !allowEmpty) return fail(ErrorCode.INVALID_PAYLOAD, 'text must not be empty');
  if (text.length > maxLength) return fail(ErrorCode.MESSAGE_TOO_LONG, `text is longer than ${maxLength} characters`);
  // Refused so every backend stores the same texts (PostgreSQL cannot hold NUL).
  if (text.includes('\u0000')) return fail(ErrorCode.INVALID_PAYLOAD, 'text must not contain NUL characters');
  return undefined;
}
