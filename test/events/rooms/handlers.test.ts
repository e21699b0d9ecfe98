import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { refusedWith } from '../../helpers/ack.js';
import { tabWorld } from '../../helpers/world.js';
import { newBrowser } from '../../helpers/room-client.js';
import { letTimePass, quietFor } from '../../helpers/waits.js';


const unique = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

/** Every room-protocol event's success and its errors, against a real 2-worker server. */
describe('room protocol handlers', () => {
  const world = tabWorld();

  test('room:create makes a public room with the creator as member; names are checked', async () => {
    const alice = await world.open();
    const name = unique('lobby');
    const room = await alice.must('room:create', { name });
    assert.match(room.epoch, /^[0-9a-f]{16}$/, 'the history epoch of its offsets');
    assert.deepEqual({ ...room, id: 0 }, { id: 0, name, kind: 'public', head: 0, readOffset: 0, unread: 0, mentions: 0, member: true, epoch: room.epoch });
    refusedWith(await alice.call('room:create', { name }), 'ROOM_EXISTS');
    refusedWith(await alice.call('room:create', { name: '   ' }), 'INVALID_PAYLOAD');
    refusedWith(await alice.call('room:create', { name: 'dm:a:b' }), 'INVALID_PAYLOAD');
    refusedWith(await alice.call('room:create', { name: 'x'.repeat(65) }), 'INVALID_PAYLOAD');
    refusedWith(await alice.call('room:create', 'lobby'), 'INVALID_PAYLOAD');
  });

  test('room:list shows public rooms with membership, heads and unread counts', async () => {
    const alice = await world.open();
    const bob = await world.open();
    const room = await alice.must('room:create', { name: unique('listed') });
    await bob.must('room:join', { roomId: room.id });
    await alice.send(room.id, 'one');
    await alice.send(room.id, 'two');
    const forBob = (await bob.must('room:list', {})).find((each) => each.id === room.id);
    assert.deepEqual([forBob?.member, forBob?.head, forBob?.unread, forBob?.readOffset], [true, 2, 2, 0]);
    const general = (await bob.must('room:list', {})).find((each) => each.name === 'general');
    assert.equal(general?.kind, 'public');
    refusedWith(await bob.call('room:list', 42), 'INVALID_PAYLOAD');
  });

  test('room:join joins, catches up from `after`, and refuses unknown rooms and bad payloads', async () => {
    const alice = await world.open();
    const bob = await world.open();
    const room = await alice.must('room:create', { name: unique('join') });
    for (const text of ['a', 'b', 'c']) await alice.send(room.id, text);
    const joined = await bob.must('room:join', { roomId: room.id, after: 1 });
    assert.deepEqual([joined.member, joined.head], [true, 3]);
    await bob.waitFor(() => bob.eventsOf(room.id).length === 2, 'bob caught up');
    assert.deepEqual(bob.eventsOf(room.id).map((event) => [event.offset, event.text]), [[2, 'b'], [3, 'c']]);
    // Joining again does not follow twice.
    await bob.must('room:join', { roomId: room.id, after: 0 });
    await alice.send(room.id, 'd');
    await bob.waitFor(() => bob.eventsOf(room.id).length >= 3, 'bob gets d');
    await quietFor(150, 'an event to the sending tab');
    assert.deepEqual(bob.eventsOf(room.id).map((event) => event.offset), [2, 3, 4]);
    refusedWith(await bob.call('room:join', { roomId: 999_999 }), 'UNKNOWN_ROOM');
    refusedWith(await bob.call('room:join', { roomId: 'one' }), 'INVALID_PAYLOAD');
    refusedWith(await bob.call('room:join', { roomId: room.id, after: -1 }), 'INVALID_PAYLOAD');
  });

  test('room:leave ends membership on every tab; other tabs get room:removed', async () => {
    const browser = newBrowser();
    const [alice, bobTab1, bobTab2] = [await world.open(), await world.open(browser), await world.open(browser)];
    const room = await alice.must('room:create', { name: unique('leave') });
    await bobTab1.must('room:join', { roomId: room.id });
    await bobTab2.waitFor(() => bobTab2.added.some((added) => added.id === room.id), 'tab 2 hears of the new membership');
    await bobTab2.must('room:join', { roomId: room.id });
    await alice.send(room.id, 'before');
    for (const tab of [bobTab1, bobTab2]) await tab.waitFor(() => tab.eventsOf(room.id).length === 1, 'both tabs follow');
    assert.equal((await bobTab1.call('room:leave', { roomId: room.id })).ok, true);
    await bobTab2.waitFor(() => bobTab2.removed.includes(room.id), 'tab 2 hears of the leave');
    await alice.send(room.id, 'after');
    await quietFor(200, 'an event to a tab whose user left');
    assert.deepEqual(bobTab1.eventsOf(room.id).map((event) => event.text), ['before']);
    assert.deepEqual(bobTab2.eventsOf(room.id).map((event) => event.text), ['before']);
    refusedWith(await bobTab2.call('message:send', { roomId: room.id, text: 'x', clientId: 'c' }), 'NOT_MEMBER');
    refusedWith(await bobTab1.call('room:leave', { roomId: room.id }), 'NOT_MEMBER');
    refusedWith(await bobTab1.call('room:leave', { roomId: 999_999 }), 'UNKNOWN_ROOM');
    refusedWith(await bobTab1.call('room:leave', {}), 'INVALID_PAYLOAD');
  });

  test('message:send stores once per clientId and checks text, room and membership', async () => {
    const alice = await world.open();
    const bob = await world.open();
    const room = await alice.must('room:create', { name: unique('send') });
    await bob.must('room:join', { roomId: room.id });
    const clientId = randomUUID();
    const first = await alice.must('message:send', { roomId: room.id, text: 'hi', clientId });
    const again = await alice.must('message:send', { roomId: room.id, text: 'hi', clientId });
    assert.deepEqual([first.serverOffset, first.duplicate], [1, false]);
    assert.deepEqual([again.serverOffset, again.duplicate], [1, true]);
    await bob.waitFor(() => bob.eventsOf(room.id).length === 1, 'bob gets it');
    await quietFor(150, 'a second event for the duplicate');
    assert.equal(bob.eventsOf(room.id).length, 1, 'a repeat is not delivered again');
    assert.equal(bob.events[0]?.clientId, clientId);
    refusedWith(await alice.call('message:send', { roomId: room.id, text: '', clientId: 'c1' }), 'INVALID_PAYLOAD');
    refusedWith(await alice.call('message:send', { roomId: room.id, text: 'x'.repeat(4001), clientId: 'c2' }), 'MESSAGE_TOO_LONG');
    refusedWith(await alice.call('message:send', { roomId: room.id, text: 'nul\u0000', clientId: 'c3' }), 'INVALID_PAYLOAD');
    refusedWith(await alice.call('message:send', { roomId: room.id, text: 'no id' }), 'INVALID_PAYLOAD');
    refusedWith(await alice.call('message:send', { roomId: 999_999, text: 'x', clientId: 'c4' }), 'UNKNOWN_ROOM');
    const stranger = await world.open();
    refusedWith(await stranger.call('message:send', { roomId: room.id, text: 'x', clientId: 'c5' }), 'NOT_MEMBER');
  });

  test('a flood of room events is refused with RATE_LIMITED and the connection stays usable', async () => {
    const alice = await world.open();
    const room = await alice.must('room:create', { name: unique('flood') });
    const answers = await Promise.all(Array.from({ length: 260 }, () => alice.call('history:before', { roomId: room.id })));
    const refused = answers.filter((ack) => !ack.ok && ack.error === 'RATE_LIMITED').length;
    assert.ok(refused > 0 && refused < 260, `some refused (${refused})`);
    await letTimePass(500, 'the rate window refills');
    assert.equal((await alice.call('history:before', { roomId: room.id })).ok, true);
  });

  test('message:edit and message:delete: author only, live messages only', async () => {
    const alice = await world.open();
    const bob = await world.open();
    const room = await alice.must('room:create', { name: unique('edit') });
    await bob.must('room:join', { roomId: room.id });
    const original = await alice.send(room.id, 'typo');
    const bobs = await bob.send(room.id, 'mine');
    const edit = await alice.must('message:edit', { roomId: room.id, target: original.serverOffset, text: 'fixed', clientId: randomUUID() });
    assert.equal(edit.serverOffset, 3);
    refusedWith(await alice.call('message:edit', { roomId: room.id, target: bobs.serverOffset, text: 'x', clientId: randomUUID() }), 'NOT_AUTHOR');
    refusedWith(await alice.call('message:delete', { roomId: room.id, target: bobs.serverOffset, clientId: randomUUID() }), 'NOT_AUTHOR');
    refusedWith(await alice.call('message:edit', { roomId: room.id, target: edit.serverOffset, text: 'x', clientId: randomUUID() }), 'UNKNOWN_MESSAGE');
    refusedWith(await alice.call('message:edit', { roomId: room.id, target: 99, text: 'x', clientId: randomUUID() }), 'UNKNOWN_MESSAGE');
    refusedWith(await alice.call('message:edit', { roomId: room.id, target: 1, text: '', clientId: randomUUID() }), 'INVALID_PAYLOAD');
    const deletion = await alice.must('message:delete', { roomId: room.id, target: original.serverOffset, clientId: randomUUID() });
    assert.equal(deletion.serverOffset, 4);
    refusedWith(await alice.call('message:delete', { roomId: room.id, target: original.serverOffset, clientId: randomUUID() }), 'UNKNOWN_MESSAGE');
    refusedWith(await alice.call('message:edit', { roomId: room.id, target: original.serverOffset, text: 'x', clientId: randomUUID() }), 'UNKNOWN_MESSAGE');
    const stranger = await world.open();
    refusedWith(await stranger.call('message:delete', { roomId: room.id, target: 2, clientId: randomUUID() }), 'NOT_MEMBER');
    refusedWith(await alice.call('message:delete', { roomId: room.id, target: 0, clientId: randomUUID() }), 'INVALID_PAYLOAD');

    await bob.waitFor(() => bob.eventsOf(room.id).length === 3, 'bob gets the message, the edit and the deletion');
    assert.deepEqual(
      bob.eventsOf(room.id).map((event) => [event.offset, event.kind, event.target, event.text]),
      [
        [1, 'message', undefined, 'typo'],
        [3, 'edit', 1, 'fixed'],
        [4, 'delete', 1, ''],
      ],
    );
  });

  test('history:before pages older events, oldest first, for anyone in a public room (read without joining)', async () => {
    const alice = await world.open();
    const room = await alice.must('room:create', { name: unique('history') });
    for (let index = 1; index <= 25; index++) await alice.send(room.id, `m${index}`);
    const newest = await alice.must('history:before', { roomId: room.id, limit: 10 });
    assert.deepEqual(newest.map((event) => event.offset), Array.from({ length: 10 }, (_, i) => i + 16));
    const pages: number[][] = [];
    for (let before = 26, guard = 0; before > 1 && guard < 10; guard++) {
      const page = await alice.must('history:before', { roomId: room.id, before, limit: 10 });
      if (page.length === 0) break;
      pages.push(page.map((event) => event.offset));
      before = page[0]?.offset ?? 1;
    }
    assert.deepEqual(pages.flat().sort((a, b) => a - b), Array.from({ length: 25 }, (_, i) => i + 1));
    assert.deepEqual(pages.at(-1), [1, 2, 3, 4, 5]);
    const stranger = await world.open();
    // A public room is read without joining it (issue 25: a search hit opens read-only);
    // direct rooms stay their members' (test/rooms/tabs-and-direct.test.ts).
    assert.deepEqual((await stranger.must('history:before', { roomId: room.id, before: 5 })).map((event) => event.offset), [1, 2, 3, 4]);
    assert.equal(await stranger.must('room:list', {}).then((rooms) => rooms.some((listed) => listed.id === room.id)), false, 'reading joined nothing');
    refusedWith(await alice.call('history:before', { roomId: 999_999 }), 'UNKNOWN_ROOM');
    refusedWith(await alice.call('history:before', { roomId: room.id, limit: 0 }), 'INVALID_PAYLOAD');
    refusedWith(await alice.call('history:before', { roomId: room.id, limit: 1000 }), 'INVALID_PAYLOAD');
  });

  test('read:mark moves forward only, clamps to the head, and tells the other tabs', async () => {
    const browser = newBrowser();
    const alice = await world.open();
    const [bobTab1, bobTab2] = [await world.open(browser), await world.open(browser)];
    const room = await alice.must('room:create', { name: unique('read') });
    await bobTab1.must('room:join', { roomId: room.id });
    for (let index = 1; index <= 5; index++) await alice.send(room.id, `m${index}`);
    const marked = await bobTab1.must('read:mark', { roomId: room.id, offset: 3 });
    assert.deepEqual([marked.readOffset, marked.unread], [3, 2]);
    await bobTab2.waitFor(() => bobTab2.reads.some((read) => read.id === room.id && read.readOffset === 3), 'tab 2 hears of it');
    const backwards = await bobTab2.must('read:mark', { roomId: room.id, offset: 1 });
    assert.deepEqual([backwards.readOffset, backwards.unread], [3, 2]);
    const beyond = await bobTab2.must('read:mark', { roomId: room.id, offset: 99 });
    assert.deepEqual([beyond.readOffset, beyond.unread], [5, 0]);
    const listed = (await bobTab1.must('room:list', {})).find((each) => each.id === room.id);
    assert.deepEqual([listed?.readOffset, listed?.unread], [5, 0]);
    refusedWith(await alice.call('read:mark', { roomId: 999_999, offset: 1 }), 'UNKNOWN_ROOM');
    refusedWith(await (await world.open()).call('read:mark', { roomId: room.id, offset: 1 }), 'NOT_MEMBER');
    refusedWith(await alice.call('read:mark', { roomId: room.id, offset: 1.5 }), 'INVALID_PAYLOAD');
  });
});
