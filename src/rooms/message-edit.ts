import { z } from 'zod';
import { textProblem } from './append-event.js';
import type { RoomContext } from './context.js';
import { roomHandler } from './handler.js';
import { changeMessage } from './message-change.js';
import { clientIdSchema, offsetSchema, roomIdSchema } from './schemas.js';

const schema = z.object({ roomId: roomIdSchema, target: offsetSchema.min(1), text: z.string(), clientId: clientIdSchema });

/** `message:edit` ({ roomId, target, text, clientId }): the author replaces a message's text, as a new event. */
export function messageEdit(context: RoomContext) {
  return roomHandler(context, 'message:edit', schema, async ({ roomId, target, text, clientId }) => {
    const problem = textProblem(text, context.config.maxMessageLength);
    if (problem) return problem;
    return changeMessage(context, { roomId, kind: 'edit', target, text, clientId });
  });
}
