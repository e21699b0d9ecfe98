import { z } from 'zod';
import { memberOf } from '../../rooms/member.js';
import { summaryOf } from '../../rooms/summary.js';
import { ErrorCode, fail, ok } from '../../shared/errors.js';
import { DIRECTORY_WATCHERS, userRoom } from '../../socket-rooms.js';
import { MAX_ROOM_NAME_LENGTH } from '../../store/rooms.js';
import { defineEvent } from '../kit.js';
import { storable } from '../schemas.js';

/**
 * `room:create` ({ name }): creates a public room and joins it; the user's other tabs get
 * `room:added`, and every connection that looked at the directory, on every server, `room:created`.
 */
export const roomCreate = defineEvent({
  schema: z.object({
    name: z
      .string()
      .trim()
      .min(1)
      .max(MAX_ROOM_NAME_LENGTH)
      .regex(/^[^\p{Cc}]+$/u, 'no control characters')
      .refine(storable, 'must be well-formed text')
      // Direct rooms are named dm:<user>:<user>; a public room must never pose as one.
      .refine((name) => !name.toLowerCase().startsWith('dm:'), 'names starting with dm: are reserved'),
  }),
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
