import { RECEIPTS_OFF } from '../../socket-rooms.js';
import { ok } from '../../shared/errors.js';
import { receiptsGetSchema } from '../../shared/protocol/receipts.js';
import { defineEvent } from '../kit.js';

/**
 * `receipts:get` ({ roomId }): how far each other member of a small room has read, as the
 * caller may see it (nothing once they turned their own receipts off: this connection then
 * joins the connections live receipts leave out).
 */
export const receiptsGet = defineEvent({
  schema: receiptsGetSchema,
  price: ['reads.connection', 'reads.user', 'reads.address'],
  access: 'member',
  handle: async ({ input: { roomId }, socket, services: { receipts } }) => {
    const seen = await receipts.of(roomId, socket.data.user.id);
    if (seen.sending) void socket.leave(RECEIPTS_OFF);
    else void socket.join(RECEIPTS_OFF);
    return ok(seen);
  },
});
