import { z } from 'zod';
import { toSummary } from '../../rooms/summary.js';
import { ok } from '../../shared/errors.js';
import { defineEvent } from '../kit.js';

/** `room:list` ({}): every public room and the user's direct rooms, with unread counts. */
export const roomList = defineEvent({
  schema: z.union([z.object({}), z.undefined(), z.null()]),
  price: ['reads.connection', 'reads.user'],
  access: 'anyone',
  handle: async ({ socket, services: { store } }) => {
    const listings = await store.listRooms(socket.data.user.id);
    return ok(listings.map(toSummary));
  },
});
