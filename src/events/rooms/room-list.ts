import { summariesOf } from '../../rooms/summary.js';
import { ok } from '../../shared/errors.js';
import { roomListSchema } from '../../shared/protocol/rooms.js';
import { defineEvent } from '../kit.js';

/**
 * `room:list` ({}): the user's own rooms (public and direct, at most MAX_LISTED_ROOMS) and
 * `general`, with unread counts. Other public rooms are found through `room:directory`.
 */
export const roomList = defineEvent({
  schema: roomListSchema,
  price: ['reads.connection', 'room-list.user', 'room-list.address', 'reads.user', 'reads.address'],
  access: 'anyone',
  bots: true,
  handle: async ({ socket, services: { store } }) => {
    const listings = await store.rooms.listRooms(socket.data.user.id);
    return ok(await summariesOf(store, listings));
  },
});
