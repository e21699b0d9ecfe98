import { ok } from '../../shared/errors.js';
import { historyBeforeSchema } from '../../shared/protocol/messages.js';
import { withThreadSummaries } from '../../threads/threads.js';
import { defineEvent } from '../kit.js';

/**
 * `history:before` ({ roomId, before, limit }): the `limit` events just below `before`, oldest
 * first; a message with replies carries its thread's summary. Any public room may be read
 * without joining it (a search hit opened read-only).
 */
export const historyBefore = defineEvent({
  schema: historyBeforeSchema,
  price: ['reads.connection', 'reads.user', 'reads.address'],
  access: 'reader',
  bots: true,
  handle: async ({ input: { roomId, before, limit }, room, services }) => {
    const head = room?.head ?? 0;
    const events = await services.store.rooms.messagesBefore(roomId, before ?? head + 1, limit);
    return ok(await withThreadSummaries(services.store, roomId, events));
  },
});
