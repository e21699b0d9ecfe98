import { z } from 'zod';
import { toRoomEvent } from '../delivery/room-wire.js';
import { ok } from '../shared/errors.js';
import { isRefusal, memberRoom } from './access.js';
import type { RoomContext } from './context.js';
import { refuse, roomHandler } from './handler.js';
import { offsetSchema, roomIdSchema } from './schemas.js';

/** The most events one page holds. */
const MAX_PAGE = 200;

const schema = z.object({
  roomId: roomIdSchema,
  /** Events below this offset; absent: the newest events. */
  before: offsetSchema.min(1).optional(),
  limit: z.number().int().min(1).max(MAX_PAGE).default(50),
});

/** `history:before` ({ roomId, before, limit }): the `limit` events just below `before`, oldest first. */
export function historyBefore(context: RoomContext) {
  const { socket, store } = context;
  return roomHandler(context, 'history:before', schema, async ({ roomId, before, limit }) => {
    const room = await memberRoom(store, roomId, socket.data.user.id);
    if (isRefusal(room)) return refuse(room);
    const events = await store.messagesBefore(roomId, before ?? room.head + 1, limit);
    return ok(events.map(toRoomEvent));
  });
}
