import { ok } from '../../shared/errors.js';
import { historyBeforeSchema } from '../../shared/protocol/messages.js';
import { withThreadSummaries } from '../../threads/threads.js';
import { defineEvent } from '../kit.js';

/**
 * `history:before` ({ roomId, before, limit }): the `limit` events just below `before`, oldest
 * first; a message with replies carries its thread's summary.
 */
export const historyBefore = defineEvent({
  schema: historyBeforeSchema,
  price: ['reads.connection', 'reads.user', 'reads.address'],
  access: 'member',
  handle: async ({ input: { roomId, before, limit }, room, services }) => {
    const head = room?.head ?? 0;
    const events = await services.store.rooms.messagesBefore(roomId, before ?? head + 1, limit);
    return ok(await withThreadSummaries(services.store, roomId, events));
  },
});
