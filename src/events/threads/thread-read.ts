import { ok } from '../../shared/errors.js';
import { threadReadSchema } from '../../shared/protocol/threads.js';
import { defineEvent } from '../kit.js';

/**
 * `thread:read` ({ roomId, root, offset }): moves the user's read marker of a thread they
 * follow up to `offset` (never backwards, never above the room's head). A thread the user
 * does not follow has no marker: the answer is 0.
 */
export const threadRead = defineEvent({
  schema: threadReadSchema,
  price: ['reads.connection', 'reads.user', 'reads.address'],
  access: 'member',
  handle: async ({ input: { roomId, root, offset }, room, socket, services: { store } }) => {
    const readOffset = await store.threads.markThreadRead(roomId, root, socket.data.user.id, Math.min(offset, room?.head ?? 0));
    return ok({ readOffset });
  },
});
