import { ok } from '../../shared/errors.js';
import { roomLeaveSchema } from '../../shared/protocol/rooms.js';
import { liveRoom, userRoom } from '../../socket-rooms.js';
import { defineEvent } from '../kit.js';

/**
 * `room:leave` ({ roomId }): ends the membership; every tab of the user stops following
 * the room (on every server) and the other tabs get `room:removed`.
 */
export const roomLeave = defineEvent({
  schema: roomLeaveSchema,
  price: ['rooms.user', 'rooms.address'],
  access: 'member',
  handle: async ({ input: { roomId }, socket, follows, services: { io, store } }) => {
    const userId = socket.data.user.id;
    await store.rooms.removeMember(roomId, userId);
    await follows.unfollow(roomId);
    io.in(userRoom(userId)).socketsLeave(liveRoom(roomId));
    socket.to(userRoom(userId)).emit('room:removed', roomId);
    return ok(null);
  },
});
