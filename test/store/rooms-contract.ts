import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { directRoomName, type DirectoryEntry, type DirectoryQuery } from '../../src/store/rooms.js';
import { DEFAULT_ROOM, type MessageDraft, type Store } from '../../src/store/store.js';
import { freshStores, type HarnessFactory } from './harness.js';

const alice = { userId: 'g:alice', name: 'alice' };
const bob = { userId: 'a:7', name: 'bob' };
const carol = { userId: 'g:carol', name: 'carol' };

const event = (roomId: number, author: { userId: string; name: string }, text: string, extra: Partial<MessageDraft> = {}): MessageDraft => ({
  roomId,
  author: author.name,
  authorId: author.userId,
  text,
  idempotencyKey: null,
  ...extra,
});

/** Every directory page from the first, following `next`; fails on a page that runs on forever. */
async function everyPage(store: Store, query: Omit<DirectoryQuery, 'after'>): Promise<DirectoryEntry[]> {
  const seen: DirectoryEntry[] = [];
  let after: number | undefined;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await store.rooms.directory({ ...query, ...(after === undefined ? {} : { after }) });
    assert.ok(page, 'a cursor the directory handed out is accepted');
    assert.ok(page.rooms.length <= query.limit);
    seen.push(...page.rooms);
    if (page.next === null) return seen;
    assert.equal(page.rooms.length, query.limit, 'only the last page is short');
    after = page.next;
  }
  throw new Error('the directory never ended');
}

/**
 * The RoomStore part of the Store contract: rooms, membership, read markers, history
 * pages and the event columns. Registered by storeContract, so it runs on every backend.
 */
export function roomsContract(name: string, factory: HarnessFactory, skip: string | false): void {
  const withStore = freshStores(factory);

  describe(`Store contract, rooms: ${name}`, () => {
    test('a created room has its creator as member; a taken name is refused', { skip }, () =>
      withStore(async ({ store }) => {
        const room = await store.rooms.createRoom('lobby', alice);
        assert.ok(room);
        assert.deepEqual({ ...room, id: 0 }, { id: 0, name: 'lobby', kind: 'public', head: 0 });
        assert.equal(await store.rooms.createRoom('lobby', bob), undefined);
        assert.equal(await store.rooms.isMember(room.id, alice.userId), true);
        assert.equal(await store.rooms.isMember(room.id, bob.userId), false);
        assert.deepEqual(await store.rooms.roomById(room.id), room);
        assert.equal(await store.rooms.roomById(999_999), undefined);
      }));

    test('membership is added once, removed, and listed per user', { skip }, () =>
      withStore(async ({ store }) => {
        const room = await store.rooms.createRoom('lobby', alice);
        assert.ok(room);
        assert.equal(await store.rooms.addMember(room.id, bob), true);
        assert.equal(await store.rooms.addMember(room.id, { ...bob, name: 'bobby' }), false);
        assert.equal(await store.rooms.knownUserName(bob.userId), 'bobby');
        assert.deepEqual(await store.rooms.memberRoomIds(bob.userId), [room.id]);
        assert.equal(await store.rooms.removeMember(room.id, bob.userId), true);
        assert.equal(await store.rooms.removeMember(room.id, bob.userId), false);
        assert.deepEqual(await store.rooms.memberRoomIds(bob.userId), []);
      }));

    test('one direct room per pair, whoever opens it, also when both open it at once', { skip }, () =>
      withStore(async ({ store, open }) => {
        const other = await open();
        const [first, second] = await Promise.all([store.rooms.openDirectRoom(alice, bob), other.rooms.openDirectRoom(bob, alice)]);
        assert.equal(first.id, second.id);
        assert.equal(first.kind, 'direct');
        assert.equal(first.name, directRoomName(alice.userId, bob.userId));
        assert.equal(await store.rooms.isMember(first.id, alice.userId), true);
        assert.equal(await store.rooms.isMember(first.id, bob.userId), true);
        assert.equal(await store.rooms.isMember(first.id, carol.userId), false);
        const listing = await store.rooms.roomListing(first.id, alice.userId);
        assert.deepEqual(listing?.participants.map((member) => member.userId).sort(), [alice.userId, bob.userId].sort());
      }));

    test("lists show the user's own rooms and general, with heads, markers and unread counts", { skip }, () =>
      withStore(async ({ store }) => {
        const lobby = await store.rooms.createRoom('lobby', alice);
        assert.ok(lobby);
        const direct = await store.rooms.openDirectRoom(alice, bob);
        await store.appendMessage(event(lobby.id, alice, 'mine'));
        const second = await store.appendMessage(event(lobby.id, bob, 'theirs 1'));
        await store.appendMessage(event(lobby.id, bob, 'theirs 2'));
        await store.appendMessage(event(lobby.id, bob, '', { kind: 'delete', target: second.message.offset }));
        await store.appendMessage(event(direct.id, bob, 'psst'));

        const forCarol = await store.rooms.listRooms(carol.userId);
        assert.deepEqual(forCarol.map((room) => room.name), [DEFAULT_ROOM], 'neither public rooms nor direct rooms of others');
        const forAlice = new Map((await store.rooms.listRooms(alice.userId)).map((room) => [room.name, room]));
        assert.deepEqual([...forAlice.keys()].sort(), [DEFAULT_ROOM, 'lobby', direct.name].sort());
        const lobbyForAlice = forAlice.get('lobby');
        assert.equal(lobbyForAlice?.head, 4);
        assert.equal(lobbyForAlice?.member, true);
        assert.equal(lobbyForAlice?.unread, 2, "two messages by someone else; own messages and deletions don't count");
        assert.equal(forAlice.get(DEFAULT_ROOM)?.member, false);
        assert.equal(forAlice.get(direct.name)?.unread, 1);

        await store.rooms.addMember(lobby.id, carol);
        assert.deepEqual((await store.rooms.listRooms(carol.userId)).map((room) => room.name), [DEFAULT_ROOM, 'lobby'], 'a joined room is listed');
        await store.rooms.removeMember(lobby.id, carol.userId);
        assert.deepEqual((await store.rooms.listRooms(carol.userId)).map((room) => room.name), [DEFAULT_ROOM], 'a left room is not');

        assert.equal(await store.rooms.markRead(lobby.id, alice.userId, 2), 2);
        assert.equal(await store.rooms.markRead(lobby.id, alice.userId, 1), 2, 'markers never move backwards');
        const marked = await store.rooms.roomListing(lobby.id, alice.userId);
        assert.deepEqual([marked?.readOffset, marked?.unread], [2, 1]);
      }));

    test('read receipts: the members of a small room with their markers, each saying whether they send receipts', { skip }, () =>
      withStore(async ({ store }) => {
        const lobby = await store.rooms.createRoom('receipts', alice);
        assert.ok(lobby);
        await store.rooms.addMember(lobby.id, bob);
        await store.rooms.addMember(lobby.id, carol);
        for (const text of ['one', 'two', 'three']) await store.appendMessage(event(lobby.id, alice, text));
        await store.rooms.markRead(lobby.id, bob.userId, 2);
        assert.equal(await store.rooms.sendsReceipts(carol.userId), true, 'on unless turned off');
        await store.rooms.setReceipts(carol.userId, false);
        await store.rooms.setReceipts(carol.userId, false);
        assert.equal(await store.rooms.sendsReceipts(carol.userId), false);
        const byUser = (readers: Awaited<ReturnType<Store['rooms']['readers']>>) =>
          Object.fromEntries((readers ?? []).map((reader) => [reader.userId, [reader.name, reader.readOffset, reader.sendsReceipts]]));
        assert.deepEqual(byUser(await store.rooms.readers(lobby.id, 3)), {
          [alice.userId]: ['alice', 0, true],
          [bob.userId]: ['bob', 2, true],
          [carol.userId]: ['carol', 0, false],
        });
        assert.equal(await store.rooms.readers(lobby.id, 2), undefined, 'a room larger than the limit has no receipts');
        await store.rooms.setReceipts(carol.userId, true);
        assert.equal(await store.rooms.sendsReceipts(carol.userId), true, 'turned on again');
        await store.rooms.removeMember(lobby.id, carol.userId);
        assert.deepEqual(Object.keys(byUser(await store.rooms.readers(lobby.id, 2))).sort(), [bob.userId, alice.userId].sort(), 'members only');
      }));

    test('the directory pages through every public room once, in name order, never a direct room', { skip }, () =>
      withStore(async ({ store }) => {
        const names = ['Zebra', 'apple', 'Apple pie', 'mango', 'MANGO', 'kiwi', 'Banana', 'banana split', 'cherry', 'Cherry', 'fig', 'date'];
        const created = [];
        for (const name of names) {
          const room = await store.rooms.createRoom(name, alice);
          assert.ok(room);
          created.push(room);
        }
        await store.rooms.openDirectRoom(alice, bob);
        await store.rooms.openDirectRoom(carol, bob);
        const general = await store.roomByName(DEFAULT_ROOM);
        assert.ok(general);
        const expected = [...created, general]
          .map((room) => ({ id: room.id, name: room.name, key: room.name.toLowerCase() }))
          .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id - b.id))
          .map(({ id, name }) => ({ id, name }));

        for (const limit of [1, 5, 13, 100]) {
          const seen = await everyPage(store, { limit });
          assert.deepEqual(seen.map(({ id, name }) => ({ id, name })), expected, `pages of ${limit}`);
        }
        const whole = await store.rooms.directory({ limit: 100 });
        assert.equal(whole?.next, null, 'the last page has no next');
        assert.equal(whole?.rooms.length, expected.length);
      }));

    test('the directory filters by a name prefix, letter case ignored, with no pattern characters', { skip }, () =>
      withStore(async ({ store }) => {
        for (const name of ['Alpha', 'alpine', 'ALPS', 'al', 'beta', 'xalp', 'a_b', 'axb', 'a%c', 'ab']) assert.ok(await store.rooms.createRoom(name, alice));
        await store.rooms.openDirectRoom({ userId: 'g:alp', name: 'alp' }, bob);
        const names = async (prefix: string, limit = 100): Promise<string[]> => (await everyPage(store, { prefix, limit })).map((room) => room.name);
        assert.deepEqual(await names('alp'), ['Alpha', 'alpine', 'ALPS']);
        assert.deepEqual(await names('ALP', 2), ['Alpha', 'alpine', 'ALPS'], 'also across pages');
        assert.deepEqual(await names('al'), ['al', 'Alpha', 'alpine', 'ALPS']);
        assert.deepEqual(await names('a_'), ['a_b'], '_ is a character, not a pattern');
        assert.deepEqual(await names('a%'), ['a%c'], '% is a character, not a pattern');
        assert.deepEqual(await names('dm:'), [], 'direct rooms are not in the directory');
        assert.deepEqual(await store.rooms.directory({ prefix: 'zz', limit: 10 }), { rooms: [], next: null });
      }));

    test('a directory cursor must name a public room', { skip }, () =>
      withStore(async ({ store }) => {
        const direct = await store.rooms.openDirectRoom(alice, bob);
        assert.equal(await store.rooms.directory({ after: direct.id, limit: 10 }), undefined, 'a direct room is no cursor');
        assert.equal(await store.rooms.directory({ after: 999_999, limit: 10 }), undefined);
        assert.equal(await store.rooms.directory({ after: 2 ** 40, limit: 10 }), undefined);
      }));

    test('the directory counts members as they join and leave', { skip }, () =>
      withStore(async ({ store }) => {
        const room = await store.rooms.createRoom('counted', alice);
        assert.ok(room);
        const members = async (): Promise<number | undefined> =>
          (await store.rooms.directory({ prefix: 'counted', limit: 1 }))?.rooms.find((entry) => entry.id === room.id)?.members;
        assert.equal(await members(), 1, 'the creator');
        await store.rooms.addMember(room.id, bob);
        await store.rooms.addMember(room.id, { ...bob, name: 'bobby' });
        assert.equal(await members(), 2, 'joining twice counts once');
        await store.rooms.removeMember(room.id, alice.userId);
        await store.rooms.removeMember(room.id, alice.userId);
        assert.equal(await members(), 1, 'leaving twice counts once');
      }));

    test('events keep kind, target, author id and client id; pages before an offset', { skip }, () =>
      withStore(async ({ store }) => {
        const lobby = await store.rooms.createRoom('lobby', alice);
        assert.ok(lobby);
        for (let index = 1; index <= 12; index++) await store.appendMessage(event(lobby.id, alice, `m${index}`, { clientId: `c${index}` }));
        const edit = await store.appendMessage(event(lobby.id, alice, 'm3, edited', { kind: 'edit', target: 3, clientId: 'e1' }));
        assert.deepEqual(
          [edit.message.kind, edit.message.target, edit.message.authorId, edit.message.clientId],
          ['edit', 3, alice.userId, 'e1'],
        );
        const page = await store.rooms.messagesBefore(lobby.id, 13, 5);
        assert.deepEqual(page.map((message) => message.offset), [8, 9, 10, 11, 12]);
        assert.deepEqual((await store.rooms.messagesBefore(lobby.id, 3, 5)).map((message) => message.text), ['m1', 'm2']);
        assert.deepEqual((await store.messagesAfter(lobby.id, 12, 5)).map((message) => [message.kind, message.target]), [['edit', 3]]);
        const plain = await store.appendMessage({ roomId: lobby.id, author: 'tutorial', text: 'no ids', idempotencyKey: null });
        assert.deepEqual([plain.message.kind, plain.message.target, plain.message.authorId, plain.message.clientId], ['message', null, null, null]);
      }));

    test('a deleted message, an edit or a missing offset is no live message', { skip }, () =>
      withStore(async ({ store }) => {
        const lobby = await store.rooms.createRoom('lobby', alice);
        assert.ok(lobby);
        await store.appendMessage(event(lobby.id, alice, 'one'));
        await store.appendMessage(event(lobby.id, alice, 'two'));
        await store.appendMessage(event(lobby.id, alice, 'two, edited', { kind: 'edit', target: 2 }));
        assert.equal((await store.rooms.liveMessage(lobby.id, 1))?.text, 'one');
        assert.equal(await store.rooms.liveMessage(lobby.id, 3), undefined, 'an edit is not a message');
        assert.equal(await store.rooms.liveMessage(lobby.id, 9), undefined);
        await store.appendMessage(event(lobby.id, alice, '', { kind: 'delete', target: 1 }));
        assert.equal(await store.rooms.liveMessage(lobby.id, 1), undefined);
        assert.equal((await store.rooms.liveMessage(lobby.id, 2))?.authorId, alice.userId);
      }));
    test('reactions are events of their own: kind, emoji and target kept, never unread, the message stays live', { skip }, () =>
      withStore(async ({ store }) => {
        const lobby = await store.rooms.createRoom('lobby', alice);
        assert.ok(lobby);
        await store.rooms.addMember(lobby.id, bob);
        await store.appendMessage(event(lobby.id, alice, 'ship it?'));
        const react = await store.appendMessage(event(lobby.id, bob, '👍🏽', { kind: 'react', target: 1, clientId: 'r1' }));
        const unreact = await store.appendMessage(event(lobby.id, bob, '👍🏽', { kind: 'unreact', target: 1, clientId: 'r2' }));
        await store.appendMessage(event(lobby.id, bob, '👩‍💻', { kind: 'react', target: 1, clientId: 'r3' }));
        assert.deepEqual([react.message.kind, react.message.text, react.message.target, react.message.offset], ['react', '👍🏽', 1, 2]);
        assert.deepEqual([unreact.message.kind, unreact.message.text], ['unreact', '👍🏽']);
        const history = await store.messagesAfter(lobby.id, 0, 10);
        assert.deepEqual(history.map((m) => [m.kind, m.text, m.target]), [
          ['message', 'ship it?', null],
          ['react', '👍🏽', 1],
          ['unreact', '👍🏽', 1],
          ['react', '👩‍💻', 1],
        ]);
        assert.equal((await store.rooms.liveMessage(lobby.id, 1))?.text, 'ship it?', 'reacting changes nothing of the message');
        assert.equal(await store.rooms.liveMessage(lobby.id, 2), undefined, 'a reaction is not a message');
        const listing = await store.rooms.roomListing(lobby.id, alice.userId);
        assert.equal(listing?.unread, 0, "bob's reactions are not unread messages for alice");
        assert.equal((await store.rooms.roomListing(lobby.id, bob.userId))?.unread, 1, "alice's message is unread for bob");
      }));
  });
}
