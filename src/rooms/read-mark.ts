import { z } from 'zod';
import { ok } from '../shared/errors.js';
import { isRefusal, memberRoom } from './access.js';
import { userKey, type RoomContext } from './context.js';
import { refuse, roomHandler } from './handler.js';
import { offsetSchema, roomIdSchema } from './schemas.js';
import { summaryOf } from './summary.js';

const schema = z.object({ roomId: roomIdSchema, offset: offsetSchema });

/**
 * `read:mark` ({ roomId, offset }): moves the user's read marker up to `offset` (never
 * backwards, never above the room's head); the user's other tabs get `room:read`.
 */
export function readMark(context: RoomContext) {
  const { socket, store } = context;
  return roomHandler(context, 'read:mark', schema, async ({ roomId, offset }) => {
    const userId = socket.data.user.id;
    const room = await memberRoom(store, roomId, userId);
    if (isRefusal(room)) return refuse(room);
    await store.markRead(roomId, userId, Math.min(offset, room.head));
    const summary = await summaryOf(store, roomId, userId);
    socket.to(userKey(userId)).emit('room:read', summary);
    return ok(summary);
  });
}
