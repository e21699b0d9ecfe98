import { z } from 'zod';
import { ErrorCode, fail, type Ack } from '../shared/errors.js';
import { isRefusal, memberRoom } from './access.js';
import { appendEvent, textProblem } from './append-event.js';
import type { RoomContext } from './context.js';
import { refuse, roomHandler } from './handler.js';
import { clientIdSchema, roomIdSchema } from './schemas.js';

const schema = z.object({ roomId: roomIdSchema, text: z.string(), clientId: clientIdSchema });

/**
 * Checks that this connection may write events to the room: the user is a member and the
 * socket follows the room live. The second part keeps the acknowledgement meaningful: an
 * acknowledged offset N means the socket has been sent every other event below N.
 */
export async function writableRoom(context: RoomContext, roomId: number): Promise<Ack<never> | undefined> {
  const room = await memberRoom(context.store, roomId, context.socket.data.user.id);
  if (isRefusal(room)) return refuse(room);
  if (!(await context.follows.isLive(roomId))) {
    return fail(ErrorCode.NOT_MEMBER, 'this connection does not follow the room; room:join first');
  }
  return undefined;
}

/**
 * `message:send` ({ roomId, text, clientId }): stores the message (once per user and
 * clientId) and delivers it as `room:event` to every follower except this socket, which
 * gets the acknowledgement { serverOffset, duplicate } instead.
 */
export function messageSend(context: RoomContext) {
  const { config } = context;
  return roomHandler(context, 'message:send', schema, async ({ roomId, text, clientId }) => {
    const problem = textProblem(text, config.maxMessageLength);
    if (problem) return problem;
    const refusal = await writableRoom(context, roomId);
    if (refusal) return refusal;
    return appendEvent(context, { roomId, kind: 'message', text, target: null, clientId });
  });
}
