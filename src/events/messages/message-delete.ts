import { z } from 'zod';
import { defineEvent } from '../kit.js';
import { epochSchema, clientIdSchema, offsetSchema, roomIdSchema } from '../schemas.js';
import { appendChange } from './message-change.js';

/** `message:delete` ({ roomId, target, clientId }): the author deletes a message, as a new event. */
export const messageDelete = defineEvent({
  schema: z.object({ roomId: roomIdSchema, target: offsetSchema.min(1), clientId: clientIdSchema, epoch: epochSchema.optional() }),
  price: ['messages.connection', 'messages.user'],
  access: 'author',
  handle: (call) => appendChange(call, 'delete', ''),
});
