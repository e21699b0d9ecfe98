import { messageDeleteSchema } from '../../shared/protocol/messages.js';
import { defineEvent } from '../kit.js';
import { appendChange } from './message-change.js';

/** `message:delete` ({ roomId, target, clientId }): the author deletes a message, as a new event. */
export const messageDelete = defineEvent({
  schema: messageDeleteSchema,
  price: ['messages.connection', 'messages.user'],
  access: 'author',
  bots: true,
  handle: (call) => appendChange(call, 'delete', ''),
});
