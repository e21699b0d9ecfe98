import { ErrorCode, fail, ok } from '../../shared/errors.js';
import { roomDirectorySchema } from '../../shared/protocol/rooms.js';
import { defineEvent } from '../kit.js';
import { DIRECTORY_WATCHERS } from '../../socket-rooms.js';

/**
 * `room:directory` ({ query?, after?, limit? }): one page of the public rooms by name,
 * optionally those whose name starts with `query`; `next` asks for the following page.
 * No per-user state, so its cost is one index range whatever the number of rooms; it is
 * priced as a read all the same, since each page is a store query.
 */
export const roomDirectory = defineEvent({
  schema: roomDirectorySchema,
  price: ['reads.connection', 'reads.user', 'reads.address'],
  access: 'anyone',
  handle: async ({ input: { query, after, limit }, socket, services: { store } }) => {
    // From now on told of each new public room, so its list need not be asked for again.
    void socket.join(DIRECTORY_WATCHERS);
    const page = await store.rooms.directory({ ...(query ? { prefix: query } : {}), ...(after === undefined ? {} : { after }), limit });
    if (!page) return fail(ErrorCode.INVALID_PAYLOAD, 'room:directory: after: not a cursor of the room directory');
    return ok({ rooms: page.rooms.map(({ id, name, members, head }) => ({ id, name, members, head, epoch: store.historyEpoch })), next: page.next === null ? null : String(page.next) });
  },
});
