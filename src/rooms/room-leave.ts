import { z } from 'zod';
import { roomKey } from '../delivery/delivery.js';
import { ok } from '../shared/errors.js';
import { isRefusal, memberRoom } from './access.js';
import { userKey, type RoomContext } from './context.js';
import { refuse, roomHandler } from './handler.js';
import { roomIdSchema } from './schemas.js';

const schema = z.object({ roomId: roomIdSchema });

/**
 * `room:leave` ({ roomId }): ends the membership; every tab of the user stops following
 * the room (on every server) and the other tabs get `room:removed`.
 */
export function roomLeave(context: RoomContext) {
  const { io, socket, store, follows } = context;
  return roomHandler(context, 'room:leave', schema, async ({ roomId }) => {
    const userId = socket.data.user.id;
    const room = await memberRoom(store, roomId, userId);
    if (isRefusal(room)) return refuse(room);
    await store.removeMember(roomId, userId);
    await follows.unfollow(roomId);
    io.in(userKey(userId)).socketsLeave(roomKey(roomId));
    socket.to(userKey(userId)).emit('room:removed', roomId);
    return ok(null);
  });
}
