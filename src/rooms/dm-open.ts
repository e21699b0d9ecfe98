import { z } from 'zod';
import { ErrorCode, fail, ok } from '../shared/errors.js';
import { memberOf, userKey, type RoomContext } from './context.js';
import { roomHandler } from './handler.js';
import { summaryOf } from './summary.js';

const schema = z.object({ userId: z.string().min(1).max(200) });

/**
 * `dm:open` ({ userId }): finds or creates the direct room of this user and `userId`, makes
 * both members and this socket a follower. Every other tab of both users gets `room:added`.
 * The other user must be online, or known from an earlier room.
 */
export function dmOpen(context: RoomContext) {
  const { io, socket, store, follows } = context;
  return roomHandler(context, 'dm:open', schema, async ({ userId: otherId }) => {
    const me = memberOf(context);
    if (otherId === me.userId) return fail(ErrorCode.INVALID_PAYLOAD, 'a direct room needs another user');
    const online = await io.in(userKey(otherId)).fetchSockets();
    const otherName = online[0]?.data.user.name ?? (await store.knownUserName(otherId));
    if (otherName === undefined) return fail(ErrorCode.UNKNOWN_USER, 'no such user is online or known');
    const room = await store.openDirectRoom(me, { userId: otherId, name: otherName });
    await follows.follow(room.id, 0);
    const [mine, theirs] = await Promise.all([summaryOf(store, room.id, me.userId), summaryOf(store, room.id, otherId)]);
    socket.to(userKey(me.userId)).emit('room:added', mine);
    io.to(userKey(otherId)).emit('room:added', theirs);
    return ok(mine);
  });
}
