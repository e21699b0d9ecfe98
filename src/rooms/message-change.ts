import { ErrorCode, fail, type Ack } from '../shared/errors.js';
import type { SentMessage } from '../shared/events.js';
import { appendEvent } from './append-event.js';
import type { RoomContext } from './context.js';
import { writableRoom } from './message-send.js';

/** An edit or deletion of the message at `target`. */
export interface ChangeDraft {
  readonly roomId: number;
  readonly kind: 'edit' | 'delete';
  readonly target: number;
  readonly text: string;
  readonly clientId: string;
}

/**
 * Stores an edit or deletion as an event of its own, after checking that `target` is a
 * message of the room, not deleted, and written by this user (NOT_AUTHOR otherwise).
 */
export async function changeMessage(context: RoomContext, change: ChangeDraft): Promise<Ack<SentMessage>> {
  const refusal = await writableRoom(context, change.roomId);
  if (refusal) return refusal;
  const target = await context.store.liveMessage(change.roomId, change.target);
  if (!target) return fail(ErrorCode.UNKNOWN_MESSAGE, `no message at offset ${change.target}, or it was deleted`);
  if (target.authorId !== context.socket.data.user.id) return fail(ErrorCode.NOT_AUTHOR, 'only the author may change a message');
  return appendEvent(context, change);
}
