import { userKind } from '../../delivery/room-wire.js';
import { ok } from '../../shared/errors.js';
import type { PublicUser } from '../../shared/protocol/accounts.js';
import { roomMembersSchema } from '../../shared/protocol/rooms.js';
import { defineEvent } from '../kit.js';

/**
 * `room:members` ({ roomId, prefix?, limit? }): the room's members whose name starts with
 * `prefix` (letter case ignored), by name: what `@` completes from in the composer. For
 * members of the room only; each answer reads a range of an index of the room's members
 * by name, with a price of its own besides the reads'. In `general`, which every page joins,
 * its members are every user there ever was: there it answers only those following it now
 * (whom the online list shows anyway), so that it is no directory of offline accounts.
 */
export const roomMembers = defineEvent({
  schema: roomMembersSchema,
  price: ['members.user', 'reads.address'],
  access: 'member',
  bots: true,
  handle: async ({ input: { roomId, prefix, limit }, services: { store, presence, generalRoom } }) => {
    if (roomId === generalRoom.id) return ok(byPrefix(await presence.list(roomId), prefix, limit));
    const members = await store.mentions.membersByPrefix(roomId, prefix, limit);
    return ok(members.map((member) => ({ id: member.userId, name: member.name, kind: userKind(member.userId) })));
  },
});

/** The users whose name starts with `prefix` (letter case ignored, as the store compares), by name, at most `limit`. */
function byPrefix(users: readonly PublicUser[], prefix: string, limit: number): PublicUser[] {
  const start = prefix.toLowerCase();
  return users
    .map((user) => ({ user, key: user.name.toLowerCase() }))
    .filter(({ key }) => key.startsWith(start))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.user.id < b.user.id ? -1 : 1))
    .slice(0, limit)
    .map(({ user }) => user);
}
