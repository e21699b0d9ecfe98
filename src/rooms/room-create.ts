import { z } from 'zod';
import { ErrorCode, fail, ok } from '../shared/errors.js';
import { MAX_ROOM_NAME_LENGTH } from '../store/rooms.js';
import { memberOf, userKey, type RoomContext } from './context.js';
import { roomHandler } from './handler.js';
import { summaryOf } from './summary.js';

const schema = z.object({
  name: z
    .string()
    .trim()
    .min(1)
    .max(MAX_ROOM_NAME_LENGTH)
    .regex(/^[^\p{Cc}]+$/u, 'no control characters')
    // Direct rooms are named dm:<user>:<user>; a public room must never pose as one.
    .refine((name) => !name.toLowerCase().startsWith('dm:'), 'names starting with dm: are reserved'),
});

/** `room:create` ({ name }): creates a public room and joins it; the user's other tabs get `room:added`. */
export function roomCreate(context: RoomContext) {
  const { socket, store, follows } = context;
  return roomHandler(context, 'room:create', schema, async ({ name }) => {
    const room = await store.createRoom(name, memberOf(context));
    if (!room) return fail(ErrorCode.ROOM_EXISTS, 'a room with this name exists');
    await follows.follow(room.id, 0);
    const summary = await summaryOf(store, room.id, socket.data.user.id);
    socket.to(userKey(socket.data.user.id)).emit('room:added', summary);
    return ok(summary);
  });
}
