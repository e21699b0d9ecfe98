import { z } from 'zod';
import { ErrorCode, fail, ok } from '../../shared/errors.js';
import { MAX_DIRECTORY_PAGE, MAX_ROOM_NAME_LENGTH } from '../../store/rooms.js';
import { defineEvent } from '../kit.js';
import { storable } from '../schemas.js';
import { DIRECTORY_WATCHERS } from '../../socket-rooms.js';

/** The page size when the client names none. */
const DEFAULT_PAGE = 50;

/**
 * A cursor is opaque to clients; today it is the id of the last room of the page, in
 * decimal. Anything else was not handed out by this server.
 */
const cursorSchema = z
  .string()
  .regex(/^[1-9]\d{0,9}$/, 'not a cursor of the room directory')
  .transform(Number)
  .refine((id) => id <= 2 ** 31 - 1, 'not a cursor of the room directory');

/**
 * `room:directory` ({ query?, after?, limit? }): one page of the public rooms by name,
 * optionally those whose name starts with `query`; `next` asks for the following page.
 * No per-user state, so its cost is one index range whatever the number of rooms; it is
 * priced as a read all the same, since each page is a store query.
 */
export const roomDirectory = defineEvent({
  schema: z.object({
    // A name prefix, letter case ignored; blank means every public room.
    query: z
      .string()
      .trim()
      .max(MAX_ROOM_NAME_LENGTH)
      .regex(/^[^\p{Cc}]*$/u, 'no control characters')
      .refine(storable, 'must be well-formed text')
      .optional(),
    after: cursorSchema.optional(),
    limit: z.number().int().min(1).max(MAX_DIRECTORY_PAGE).default(DEFAULT_PAGE),
  }),
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
