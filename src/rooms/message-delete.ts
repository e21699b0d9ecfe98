import { z } from 'zod';
import type { RoomContext } from './context.js';
import { roomHandler } from './handler.js';
import { changeMessage } from './message-change.js';
import { clientIdSchema, offsetSchema, roomIdSchema } from './schemas.js';

const schema = z.object({ roomId: roomIdSchema, target: offsetSchema.min(1), clientId: clientIdSchema });

/** `message:delete` ({ roomId, target, clientId }): the author deletes a message, as a new event. */
export function messageDelete(context: RoomContext) {
  return roomHandler(context, 'message:delete', schema, ({ roomId, target, clientId }) =>
    changeMessage(context, { roomId, kind: 'delete', target, text: '', clientId }),
  );
}
