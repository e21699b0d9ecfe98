import { ok } from '../../shared/errors.js';
import { presenceListSchema } from '../../shared/protocol/presence.js';
import { ONLINE_WATCHERS } from '../../socket-rooms.js';
import { defineEvent } from '../kit.js';

/**
 * `presence:list` ({ roomId? }, ack): who is online, overall or following one room, one
 * entry per user however many tabs, across every server. A room's followers are shown to
 * its followers only (access `follower`). The overall list also subscribes the connection to
 * `online`/`offline` notices.
 */
export const presenceList = defineEvent({
  schema: presenceListSchema,
  price: ['presence.connection', 'presence.user'],
  access: 'follower',
  bots: true,
  handle: async ({ input: { roomId }, socket, services: { presence } }) => {
    // Joined before the look, so that no change after it is missed.
    if (roomId === undefined) void socket.join(ONLINE_WATCHERS);
    return ok(await presence.list(roomId ?? null));
  },
});
