import { ErrorCode, fail } from '../../shared/errors.js';
import { messageReactSchema } from '../../shared/protocol/messages.js';
import { defineEvent } from '../kit.js';
import { appendChange } from './message-change.js';

/**
 * `message:react` ({ roomId, target, emoji, on, clientId }): the user adds (`on` true) or
 * takes back an emoji reaction on a live message of a room they write in, stored as an
 * event of its own (`react` / `unreact`) so that clients replaying the room converge, as
 * for edits. A muted user may not react (access `writer`).
 */
export const messageReact = defineEvent({
  schema: messageReactSchema,
  price: ['messages.connection', 'messages.user'],
  access: 'writer',
  handle: async (call) => {
    const { roomId, target, emoji, on } = call.input;
    if (!(await call.services.store.rooms.liveMessage(roomId, target))) {
      return fail(ErrorCode.UNKNOWN_MESSAGE, `no message at offset ${target}, or it was deleted`);
    }
    return appendChange(call, on ? 'react' : 'unreact', emoji);
  },
});
