import { z } from 'zod';
import { ok } from '../shared/errors.js';
import type { RoomContext } from './context.js';
import { roomHandler } from './handler.js';
import { toSummary } from './summary.js';

const schema = z.union([z.object({}), z.undefined(), z.null()]);

/**
 * `room:list` ({}): the user's own rooms (public and direct, at most MAX_LISTED_ROOMS) and
 * `general`, with unread counts. Other public rooms are found through `room:directory`.
 */
export function roomList(context: RoomContext) {
  return roomHandler(context, 'room:list', schema, async () => {
    const listings = await context.store.listRooms(context.socket.data.user.id);
    return ok(listings.map(toSummary));
  });
}
