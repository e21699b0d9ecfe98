import { memberOf } from '../../rooms/member.js';
import { summaryOf } from '../../rooms/summary.js';
import { ErrorCode, fail, ok } from '../../shared/errors.js';
import { roomJoinSchema } from '../../shared/protocol/rooms.js';
import { userRoom } from '../../socket-rooms.js';
import { defineEvent } from '../kit.js';

/**
 * `room:join` ({ roomId, after, epoch? }): makes the user a member (public rooms) and this socket a
 * follower: every event above `after` once, in order, then the live stream. Answers once
 * the socket is live. A socket that follows the room already keeps following (its `after`
 * is ignored). The user's other tabs get `room:added` when the membership is new. Another
 * user's direct room is answered as an unknown room: the answer reveals nothing. An `epoch`
 * that is not the history's is refused with EPOCH_CHANGED by the door: `after` is from
 * another history.
 */
export const roomJoin = defineEvent({
  schema: roomJoinSchema,
  price: ['rooms.user', 'rooms.address'],
  access: 'anyone',
  bots: true,
  handle: async ({ input: { roomId, after }, socket, follows, services: { store } }) => {
    const userId = socket.data.user.id;
    const room = await store.rooms.roomById(roomId);
    let added = false;
    if (room?.kind === 'public') added = await store.rooms.addMember(roomId, memberOf(socket));
    else if (!room || !(await store.rooms.isMember(roomId, userId))) return fail(ErrorCode.UNKNOWN_ROOM, 'no such room');
    await follows.follow(roomId, after ?? 0);
    const summary = await summaryOf(store, roomId, userId);
    if (added) socket.to(userRoom(userId)).emit('room:added', summary);
    return ok(summary);
  },
});
