import { toRoomEvent } from '../../delivery/room-wire.js';
import { ok } from '../../shared/errors.js';
import { MAX_FOLLOWED_THREADS, threadListSchema } from '../../shared/protocol/threads.js';
import { defineEvent } from '../kit.js';

/**
 * `thread:list` ({}): the threads the user follows (they replied, wrote the root, or a reply
 * mentions them) in rooms they are a member of, the latest reply first, with unread and
 * mention counts above their thread read marker.
 */
export const threadList = defineEvent({
  schema: threadListSchema,
  price: ['reads.connection', 'reads.user', 'reads.address'],
  access: 'anyone',
  handle: async ({ socket, services: { store } }) => {
    const threads = await store.threads.followed(socket.data.user.id, MAX_FOLLOWED_THREADS);
    return ok(threads.map(({ root, ...thread }) => ({ ...thread, root: toRoomEvent(root) })));
  },
});
