import { messageEditSchema } from '../../shared/protocol/messages.js';
import { defineEvent } from '../kit.js';
import { appendChange } from './message-change.js';

/** `message:edit` ({ roomId, target, text, clientId }): the author replaces a message's text, as a new event. */
export const messageEdit = (maxMessageLength: number) =>
  defineEvent({
    schema: messageEditSchema(maxMessageLength),
    price: ['messages.connection', 'messages.user'],
    access: 'author',
    bots: true,
    handle: (call) => appendChange(call, 'edit', call.input.text),
  });
