import { z } from 'zod';
import { follows, ONLINE_WATCHERS } from '../presence/keys.js';
import { ErrorCode, fail, ok } from '../shared/errors.js';
import type { PublicUser } from '../shared/events.js';
import { splitArguments } from './arguments.js';
import type { HandlerContext } from './context.js';
import { RateLimit } from './rate-limit.js';

const listSchema = z.union([z.object({ roomId: z.number().int().positive().optional() }), z.undefined(), z.null()]);

/** Each list asks every server of the deployment, so a connection may ask only this often. */
const LIST_RATE = 2;
const LIST_BURST = 10;

/**
 * `presence:list` ({ roomId? }, ack): who is online, overall or following one room, one
 * entry per user however many tabs, across every server. The overall list also subscribes
 * the connection to `online`/`offline` notices. Errors: INVALID_PAYLOAD,
 * NOT_MEMBER (a room this connection does not follow), RATE_LIMITED, INTERNAL.
 */
export function presenceList(context: HandlerContext) {
  const { socket, presence, log } = context;
  const rateLimit = new RateLimit(LIST_RATE, LIST_BURST);

  return (...args: unknown[]): void => {
    const { payload, respond } = splitArguments<PublicUser[]>(args);
    const parsed = listSchema.safeParse(payload[0]);
    if (!parsed.success) {
      respond(fail(ErrorCode.INVALID_PAYLOAD, 'presence:list takes {} or { roomId: positive integer }'));
      return;
    }
    const roomId = parsed.data?.roomId ?? null;
    // A room's followers are shown to its followers only: direct rooms are private.
    if (roomId !== null && !follows(socket, roomId)) {
      respond(fail(ErrorCode.NOT_MEMBER, 'this connection does not follow that room; room:join it first'));
      return;
    }
    if (!rateLimit.take()) {
      respond(fail(ErrorCode.RATE_LIMITED, 'too many presence requests; slow down'));
      return;
    }
    // Asking for everyone online subscribes to `online`/`offline` notices; joined before
    // the look, so that no change after it is missed.
    if (roomId === null) void socket.join(ONLINE_WATCHERS);
    presence.list(roomId).then(
      (users) => respond(ok(users)),
      (error: unknown) => {
        log.error({ err: error, socketId: socket.id, roomId }, 'presence:list failed');
        respond(fail(ErrorCode.INTERNAL, 'presence is not available right now'));
      },
    );
  };
}
