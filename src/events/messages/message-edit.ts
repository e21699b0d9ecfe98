import { z } from 'zod';
import { defineEvent } from '../kit.js';
import { epochSchema, clientIdSchema, offsetSchema, roomIdSchema, textSchema } from '../schemas.js';
import { appendChange } from './message-change.js';

/** `message:edit` ({ roomId, target, text, clientId }): the author replaces a message's text, as a new event. */
export const messageEdit = (maxMessageLength: number) =>
  defineEvent({
    schema: z.object({ roomId: roomIdSchema, target: offsetSchema.min(1), text: textSchema(maxMessageLength), clientId: clientIdSchema, epoch: epochSchema.optional() }),
    price: ['messages.connection', 'messages.user'],
    access: 'author',
    handle: (call) => appendChange(call, 'edit', call.input.text),
  });
