import { toRoomEvent } from '../../delivery/room-wire.js';
import { ok } from '../../shared/errors.js';
import { searchMessagesSchema } from '../../shared/protocol/search.js';
import { searchTerms } from '../../store/search.js';
import { defineEvent } from '../kit.js';

/**
 * `search:messages` ({ query, before?, limit? }): the messages, as they read now, that
 * contain every word of `query` (each as a word or the start of one, letter case ignored),
 * in every public room and the user's own direct rooms, newest first. `before` is the
 * previous page's `next`. Words are letters and digits; everything else separates them.
 */
export const searchMessages = defineEvent({
  schema: searchMessagesSchema,
  price: ['search.user', 'search.address', 'reads.address'],
  access: 'anyone',
  handle: async ({ input: { query, before, limit }, socket, services: { store } }) => {
    const page = await store.search.searchMessages({
      userId: socket.data.user.id,
      terms: searchTerms(query),
      limit,
      ...(before === undefined ? {} : { before }),
    });
    return ok({
      hits: page.hits.map((hit) => ({ event: toRoomEvent(hit.message), roomName: hit.roomName })),
      next: page.next,
    });
  },
});
