import { joinUserRoom } from '../../presence/connection-rooms.js';
import { ok } from '../../shared/errors.js';
import { typingSchema } from '../../shared/protocol/presence.js';
import { defineEvent } from '../kit.js';

/**
 * `typing` ({ roomId, typing }, ack?): relays "{user} is typing" (or stopped) to the others
 * following the room, not to the typist's own tabs. Never stored; expires by itself.
 * The page sends one every two seconds while keys are pressed; the price stops a flood from
 * fanning out to the room.
 */
export const typing = defineEvent({
  schema: typingSchema,
  // Stopping takes only a read token: a refused stop would leave the indicator up, and a
  // stop is relayed only when a start was, so a flood of them fans out nothing.
  price: ([payload]) => (isStop(payload) ? ['reads.connection'] : ['typing.connection']),
  access: 'follower',
  bots: true,
  handle: async ({ input: { roomId, typing: isTyping }, socket, services: { presence } }) => {
    joinUserRoom(socket);
    presence.typing.update(socket.id, socket.data.user, roomId, isTyping);
    return ok(null);
  },
});

const isStop = (payload: unknown): boolean => typeof payload === 'object' && payload !== null && (payload as { typing?: unknown }).typing === false;
