import { RECEIPTS_OFF, userRoom } from '../../socket-rooms.js';
import { ok } from '../../shared/errors.js';
import { receiptsSetSchema } from '../../shared/protocol/receipts.js';
import { defineEvent } from '../kit.js';

/**
 * `receipts:set` ({ enabled }): turns the user's read receipts on or off, for all of their
 * tabs and devices: off, their marker is shown to no one and they are sent no one's. The
 * other tabs get `receipts:setting`.
 */
export const receiptsSet = defineEvent({
  schema: receiptsSetSchema,
  price: ['settings.user'],
  access: 'anyone',
  handle: async ({ input: { enabled }, socket, services: { io, store } }) => {
    const userId = socket.data.user.id;
    await store.rooms.setReceipts(userId, enabled);
    if (enabled) io.in(userRoom(userId)).socketsLeave(RECEIPTS_OFF);
    else io.in(userRoom(userId)).socketsJoin(RECEIPTS_OFF);
    socket.to(userRoom(userId)).emit('receipts:setting', { enabled });
    return ok({ enabled });
  },
});
