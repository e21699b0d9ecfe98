import { draftOf } from '../../delivery/drafts.js';
import { ok, type Ack } from '../../shared/errors.js';
import type { SentMessage } from '../../shared/events.js';
import type { Call } from '../kit.js';

/** What an edit, deletion, reaction or pin names: the room, the message, the sender's id for the change. */
interface ChangeInput {
  readonly roomId: number;
  readonly target: number;
  readonly clientId: string;
}

/**
 * Stores an edit, deletion, reaction, pin or unpin of `target` as an event of its own, at its own offset, so a
 * client replaying the history in order converges. The door or the handler checked that
 * `target` is a live message of the room (and, for edits and deletions, this user's: access `author`).
 */
export async function appendChange(call: Call<ChangeInput>, kind: 'edit' | 'delete' | 'react' | 'unreact' | 'pin' | 'unpin', text: string): Promise<Ack<SentMessage>> {
  const { input, socket, services } = call;
  const { user } = socket.data;
  const retry = { by: 'room-protocol', clientId: input.clientId, isIssued: services.issuedIds.isIssued } as const;
  const draft = draftOf({ roomId: input.roomId, kind, text, target: input.target, author: user.name, authorId: user.id, retry });
  return ok(await services.appends.append(draft, { socketId: socket.id, clientId: input.clientId }));
}
