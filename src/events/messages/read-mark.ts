import { summaryOf } from '../../rooms/summary.js';
import { ok } from '../../shared/errors.js';
import { readMarkSchema } from '../../shared/protocol/messages.js';
import { userRoom } from '../../socket-rooms.js';
import { defineEvent } from '../kit.js';

/**
 * `read:mark` ({ roomId, offset }): moves the user's read marker up to `offset` (never
 * backwards, never above the room's head); the user's other tabs get `room:read`, and in a
 * room with read receipts its live followers get `room:receipt` (src/rooms/receipts.ts).
 */
export const readMark = defineEvent({
  schema: readMarkSchema,
  price: ['reads.connection', 'reads.user', 'reads.address'],
  access: 'member',
  bots: true,
  handle: async ({ input: { roomId, offset }, room, socket, services: { store, receipts, log } }) => {
    const userId = socket.data.user.id;
    const marker = await store.rooms.markRead(roomId, userId, Math.min(offset, room?.head ?? 0));
    const summary = await summaryOf(store, roomId, userId);
    socket.to(userRoom(userId)).emit('room:read', summary);
    // The marker is stored: a receipt that cannot be told now is told by the next read.
    await receipts.announce(roomId, socket.data.user, marker).catch((error: unknown) => log.warn({ err: error, roomId }, 'could not announce a read receipt'));
    return ok(summary);
  },
});
