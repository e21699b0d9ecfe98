import { z } from 'zod';
import { ErrorCode, fail, ok } from '../shared/errors.js';
import { follows, joinUserRoom } from '../presence/keys.js';
import { splitArguments } from './arguments.js';
import type { HandlerContext } from './context.js';
import { RateLimit } from './rate-limit.js';

const typingSchema = z.object({ roomId: z.number().int().positive(), typing: z.boolean() });

/**
 * Typing events one connection may relay per second, and at once. The page sends one every
 * two seconds while keys are pressed; this stops a flood from fanning out to the room.
 */
const TYPING_RATE = 2;
const TYPING_BURST = 6;

/**
 * `typing` ({ roomId, typing }, ack?): relays "{user} is typing" (or stopped) to the others
 * following the room, not to the typist's own tabs. Never stored; expires by itself.
 * Errors: INVALID_PAYLOAD, NOT_MEMBER (this connection does not follow the room), RATE_LIMITED.
 */
export function typing(context: HandlerContext) {
  const { socket, presence, log } = context;
  const rateLimit = new RateLimit(TYPING_RATE, TYPING_BURST);

  return (...args: unknown[]): void => {
    const { payload, respond } = splitArguments<null>(args);
    const parsed = typingSchema.safeParse(payload[0]);
    if (!parsed.success) {
      respond(fail(ErrorCode.INVALID_PAYLOAD, 'typing takes { roomId: positive integer, typing: boolean }'));
      return;
    }
    const { roomId, typing: isTyping } = parsed.data;
    if (!follows(socket, roomId)) {
      respond(fail(ErrorCode.NOT_MEMBER, 'this connection does not follow that room; room:join it first'));
      return;
    }
    // Stopping is always let through: a refused `false` would leave the indicator up.
    if (isTyping && !rateLimit.take()) {
      log.debug({ socketId: socket.id }, 'typing rate limited');
      respond(fail(ErrorCode.RATE_LIMITED, 'too many typing events; slow down'));
      return;
    }
    joinUserRoom(socket);
    presence.typing.update(socket.id, socket.data.user, roomId, isTyping);
    respond(ok(null));
  };
}
