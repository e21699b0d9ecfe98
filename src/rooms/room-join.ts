import { z } from 'zod';
import { ErrorCode, fail, ok } from '../shared/errors.js';
import { memberOf, userKey, type RoomContext } from './context.js';
import { roomHandler } from './handler.js';
import { offsetSchema, roomIdSchema } from './schemas.js';
import { summaryOf } from './summary.js';

const schema = z.object({ roomId: roomIdSchema, after: offsetSchema.optional() });

/**
 * `room:join` ({ roomId, after }): makes the user a member (public rooms) and this socket a
 * follower: every event above `after` once, in order, then the live stream. Answers once
 * the socket is live. A socket that follows the room already keeps following (its `after`
 * is ignored). The user's other tabs get `room:added` when the membership is new.
 */
export function roomJoin(context: RoomContext) {
  const { socket, store, follows } = context;
  return roomHandler(context, 'room:join', schema, async ({ roomId, after }) => {
    const userId = socket.data.user.id;
    const room = await store.roomById(roomId);
    if (!room) return fail(ErrorCode.UNKNOWN_ROOM, 'the room does not exist');
    let added = false;
    if (room.kind === 'direct') {
      if (!(await store.isMember(roomId, userId))) return fail(ErrorCode.FORBIDDEN, 'a direct room of other users');
    } else {
      added = await store.addMember(roomId, memberOf(context));
    }
    await follows.follow(roomId, after ?? 0);
    const summary = await summaryOf(store, roomId, userId);
    if (added) socket.to(userKey(userId)).emit('room:added', summary);
    return ok(summary);
  });
}
