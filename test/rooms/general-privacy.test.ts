import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import type { PublicUser } from '../../src/shared/events.js';
import { ackOf, codeOf } from '../helpers/ack.js';
import { tabWorld } from '../helpers/world.js';
import { PASSWORD } from '../moderation/moderation-client.js';
import { Tab } from '../helpers/room-client.js';
import { letTimePass } from '../helpers/waits.js';

/**
 * Issue 22, defect 16: `general` is every page's room, so its member list was a directory of
 * every account that ever opened the chat, and sharing it let `dm:open` reach any of them
 * while offline. Now in `general` `room:members` names only who follows it now, and sharing
 * `general` alone does not make an offline user visible; other rooms still do.
 */
describe('general is no directory of offline accounts', () => {
  const world = tabWorld();

  test('a guest in general finds no offline account by name and opens no direct room with one', async () => {
    const suffix = randomUUID().slice(0, 6);
    const generalOf = async (tab: Tab): Promise<number> => {
      const general = (await tab.must('room:list', {})).find((room) => room.name === 'general');
      assert.ok(general);
      return general.id;
    };
    // An account that chatted in general and in a room of its own with a friend, then left.
    const hidden = await world.open();
    const registered = await ackOf(hidden.socket, 'account:register', { username: `hidden${suffix}`, password: PASSWORD });
    assert.ok(registered.ok, JSON.stringify(registered));
    const hiddenId = (registered.data as { user: PublicUser }).user.id;
    const generalId = await generalOf(hidden);
    await hidden.must('room:join', { roomId: generalId });
    await hidden.send(generalId, 'hello all');
    const club = await hidden.must('room:create', { name: `club-${suffix}` });
    const friend = await world.open();
    await friend.must('room:join', { roomId: club.id });
    await friend.must('room:join', { roomId: generalId });
    hidden.close();

    const guest = await world.open();
    await guest.must('room:join', { roomId: generalId });
    const members = async (prefix: string): Promise<PublicUser[]> => {
      const ack = await ackOf(guest.socket, 'room:members', { roomId: generalId, prefix, limit: 20 });
      assert.ok(ack.ok, JSON.stringify(ack));
      return ack.data as PublicUser[];
    };
    // Presence learns of the departure within moments; what is asked must not list it.
    await letTimePass(1000, 'presence learns of the departure');
    assert.deepEqual(await members('hidden'), [], 'an offline account is not listed in general');
    assert.ok((await members('')).every((user) => user.id !== hiddenId), 'not even without a prefix');
    const friendUser = await friend.whoAmI();
    assert.ok((await members(friendUser.name.slice(0, 4))).some((user) => user.id === friendUser.id), 'who follows general now is listed');

    const direct = await ackOf(guest.socket, 'dm:open', { userId: hiddenId });
    const unknown = await ackOf(guest.socket, 'dm:open', { userId: 'a:999999999' });
    assert.equal(codeOf(direct), 'UNKNOWN_USER', 'sharing general is not knowing each other');
    assert.deepEqual(direct, unknown, 'the same answer as for no such user');

    // A room shared by choice still counts: the friend may write to the offline account.
    const friendly = await ackOf(friend.socket, 'dm:open', { userId: hiddenId });
    assert.equal(codeOf(friendly), 'ok', JSON.stringify(friendly));
    // And in other rooms room:members lists offline members as before.
    const clubMembers = await ackOf(friend.socket, 'room:members', { roomId: club.id, prefix: 'hidden' });
    assert.deepEqual(clubMembers.ok && (clubMembers.data as PublicUser[]).map((user) => user.id), [hiddenId]);
  });
});
