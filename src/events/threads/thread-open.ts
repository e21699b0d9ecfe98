import { toRoomEvent } from '../../delivery/room-wire.js';
import { ErrorCode, fail, ok } from '../../shared/errors.js';
import { threadOpenSchema } from '../../shared/protocol/threads.js';
import { isReply, withThreadSummaries } from '../../threads/threads.js';
import { defineEvent } from '../kit.js';

/**
 * `thread:open` ({ roomId, root, after?, limit? }): a thread of a room the user is a member
 * of: its root (with its summary) and up to `limit` replies above `after`, tombstones included.
 */
export const threadOpen = defineEvent({
  schema: threadOpenSchema,
  price: ['reads.connection', 'reads.user', 'reads.address'],
  access: 'member',
  handle: async ({ input: { roomId, root, after, limit }, socket, services: { store } }) => {
    const [rootMessage] = await store.rooms.messagesBefore(roomId, root + 1, 1);
    if (!rootMessage || rootMessage.offset !== root || rootMessage.kind !== 'message' || isReply(rootMessage)) {
      return fail(ErrorCode.UNKNOWN_MESSAGE, `no thread at offset ${root}`);
    }
    // One more than asked: whether another page follows.
    const replies = await store.threads.replies(roomId, root, after, limit + 1);
    const [rootEvent] = await withThreadSummaries(store, roomId, [rootMessage]);
    const readOffset = await store.threads.readOffset(roomId, root, socket.data.user.id);
    return ok({
      root: rootEvent ?? toRoomEvent(rootMessage),
      replies: replies.slice(0, limit).map(toRoomEvent),
      more: replies.length > limit,
      readOffset,
    });
  },
});
