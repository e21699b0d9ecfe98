import { z } from 'zod';
import { toRoomEvent } from '../../delivery/room-wire.js';
import { ok } from '../../shared/errors.js';
import { defineEvent } from '../kit.js';
import { epochSchema, offsetSchema, roomIdSchema } from '../schemas.js';

/** The most events one page holds. */
const MAX_PAGE = 200;

/** `history:before` ({ roomId, before, limit }): the `limit` events just below `before`, oldest first. */
export const historyBefore = defineEvent({
  schema: z.object({
    roomId: roomIdSchema,
    epoch: epochSchema.optional(),
    /** Events below this offset; absent: the newest events. */
    before: offsetSchema.min(1).optional(),
    limit: z.number().int().min(1).max(MAX_PAGE).default(50),
  }),
  price: ['reads.connection', 'reads.user', 'reads.address'],
  access: 'member',
  handle: async ({ input: { roomId, before, limit }, room, services }) => {
    const head = room?.head ?? 0;
    const events = await services.store.rooms.messagesBefore(roomId, before ?? head + 1, limit);
    return ok(events.map(toRoomEvent));
  },
});
