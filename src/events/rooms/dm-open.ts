import { userKind } from '../../delivery/room-wire.js';
import { memberOf } from '../../rooms/member.js';
import { summaryOf } from '../../rooms/summary.js';
import { ErrorCode, fail, ok } from '../../shared/errors.js';
import { dmOpenSchema } from '../../shared/protocol/rooms.js';
import { userRoom } from '../../socket-rooms.js';
import type { Store } from '../../store/store.js';
import type { ParleyServer } from '../../types.js';
import { defineEvent } from '../kit.js';

/**
 * `dm:open` ({ userId }): finds or creates the direct room of this user and `userId`, makes
 * both members and this socket a follower. Every other tab of both users gets `room:added`.
 * Only with a user the asker can see: one who is online (everyone sees the online list) or
 * shares a room with the asker other than `general`, which every page joins (so sharing it
 * says nothing of knowing each other). Any other id, existing or not, gets the same
 * UNKNOWN_USER, so the event cannot tell which ids exist. Bots and webhooks take no direct
 * rooms (UNKNOWN_USER): a bot acts only in the rooms an admin gave it.
 */
export const dmOpen = defineEvent({
  schema: dmOpenSchema,
  price: ['dm-open.user', 'rooms.address'],
  access: 'anyone',
  handle: async ({ input: { userId: otherId }, socket, follows, services: { io, store, generalRoom } }) => {
    const me = memberOf(socket);
    if (otherId === me.userId) return fail(ErrorCode.INVALID_PAYLOAD, 'a direct room needs another user');
    // A bot is confined to the rooms an admin gave it: a direct room would be one more (src/integrations/bots.ts).
    if (userKind(otherId) === 'bot') return fail(ErrorCode.UNKNOWN_USER, 'bots take no direct messages');
    const otherName = await visibleName(io, store, generalRoom.id, me.userId, otherId);
    if (otherName === undefined) return fail(ErrorCode.UNKNOWN_USER, 'no such user is online or shares a room with you');
    const room = await store.rooms.openDirectRoom(me, { userId: otherId, name: otherName });
    await follows.follow(room.id, 0);
    const [mine, theirs] = await Promise.all([summaryOf(store, room.id, me.userId), summaryOf(store, room.id, otherId)]);
    socket.to(userRoom(me.userId)).emit('room:added', mine);
    io.to(userRoom(otherId)).emit('room:added', theirs);
    return ok(mine);
  },
});

/** The name of `otherId` if `myId` can see that user (online, or in a room with them other than general); else undefined. */
async function visibleName(io: ParleyServer, store: Store, generalRoomId: number, myId: string, otherId: string): Promise<string | undefined> {
  const online = await io.in(userRoom(otherId)).fetchSockets();
  if (online[0]) return online[0].data.user.name;
  const [mine, theirs] = await Promise.all([store.rooms.memberRoomIds(myId), store.rooms.memberRoomIds(otherId)]);
  const shared = new Set(mine.filter((roomId) => roomId !== generalRoomId));
  if (!theirs.some((roomId) => shared.has(roomId))) return undefined;
  return store.rooms.knownUserName(otherId);
}
