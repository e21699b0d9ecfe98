import { messageReactSchema } from '../../shared/protocol/messages.js';
import { defineEvent } from '../kit.js';
import { appendChange } from './message-change.js';

/**
 * `message:react` ({ roomId, target, emoji, on, clientId }): the user adds (`on` true) or
 * takes back an emoji reaction on a live message of a room they write in, stored as an
 * event of its own (`react` / `unreact`) so that clients replaying the room converge, as
 * for edits. A muted user may not react, nor react to a deleted message (access `live-target`).
 */
export const messageReact = defineEvent({
  schema: messageReactSchema,
  price: ['messages.connection', 'messages.user'],
  access: 'live-target',
  bots: true,
  handle: (call) => appendChange(call, call.input.on ? 'react' : 'unreact', call.input.emoji),
});
