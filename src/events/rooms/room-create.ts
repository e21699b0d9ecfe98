import { memberOf } from '../../rooms/member.js';
import { summaryOf } from '../../rooms/summary.js';
import { ErrorCode, fail, ok } from '../../shared/errors.js';
import { roomCreateSchema } from '../../shared/protocol/rooms.js';
import { DIRECTORY_WATCHERS, userRoom } from '../../socket-rooms.js';
import { defineEvent } from '../kit.js';

/**
 * `room:create` ({ name }): creates a public room and joins it; the user's other tabs get
 * `room:added`, and every connection that looked at the directory, on every server, `room:created`.
 */
export const roomCreate = defineEvent({
  schema: roomCreateSchema,
  price: ['room-create.user', 'room-create.address'],
  access: 'anyone',
  handle: async ({ input: { name }, socket, follows, services: { store } }) => {
    const room = await store.rooms.createRoom(name, memberOf(socket));
    if (!room) return fail(ErrorCode.ROOM_EXISTS, 'a room with this name exists');
    await follows.follow(room.id, 0);
    const summary = await summaryOf(store, room.id, socket.data.user.id);
    socket.to(userRoom(socket.data.user.id)).emit('room:added', summary);
    socket.to(DIRECTORY_WATCHERS).emit('room:created', { id: room.id, name: room.name, members: 1, head: room.head, epoch: store.historyEpoch });
    return ok(summary);
  },
});
