import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import type { DirectoryRoom, RoomDirectoryPage } from '../../src/shared/events.js';
import { refusedWith } from '../helpers/ack.js';
import { tabWorld } from '../helpers/world.js';
import { Tab } from '../helpers/room-client.js';


/** `room:directory` and the own-rooms `room:list`, against a real 2-worker server. */
describe('room directory', () => {
  const world = tabWorld();

  /** Every page of a search, following `next`. */
  const search = async (tab: Tab, query: string, limit: number): Promise<DirectoryRoom[]> => {
    const rooms: DirectoryRoom[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 100; pages++) {
      const page: RoomDirectoryPage = await tab.must('room:directory', { query, limit, ...(cursor === null ? {} : { after: cursor }) });
      assert.ok(page.rooms.length <= limit);
      rooms.push(...page.rooms);
      if (page.next === null) return rooms;
      cursor = page.next;
    }
    throw new Error('the directory never ended');
  };

  test('pages the public rooms whose name starts with the query, letter case ignored, with member counts', async () => {
    const [alice, bob] = [await world.open(), await world.open()];
    const tag = randomUUID().slice(0, 8);
    const names = [`Dir-${tag}-b`, `dir-${tag}-A`, `DIR-${tag}-c`, `dir-${tag}-d`, `dir-${tag}-E`];
    const created = [];
    for (const name of names) created.push(await alice.must('room:create', { name }));
    await bob.must('room:join', { roomId: created[0]?.id });

    const found = await search(bob, `dir-${tag}`, 2);
    assert.deepEqual(
      found.map((room) => room.name),
      [`dir-${tag}-A`, `Dir-${tag}-b`, `DIR-${tag}-c`, `dir-${tag}-d`, `dir-${tag}-E`],
    );
    assert.deepEqual(found.map((room) => room.members), [1, 2, 1, 1, 1]);
    assert.deepEqual(Object.keys(found[0] ?? {}).sort(), ['epoch', 'head', 'id', 'members', 'name'], 'no per-user fields');
    const all = await bob.must('room:directory', {});
    assert.ok(all.rooms.length > 0 && all.rooms.length <= 50, 'default page: 50');
    assert.deepEqual(await bob.must('room:directory', { query: `nothing-${tag}` }), { rooms: [], next: null });
  });

  test('direct rooms never appear; room:list holds only the user’s own rooms and general', async () => {
    const [alice, bob, carol] = [await world.open(), await world.open(), await world.open()];
    const bobUser = await bob.whoAmI();
    const direct = await alice.must('dm:open', { userId: bobUser.id });
    assert.deepEqual((await carol.must('room:directory', { query: 'dm:' })).rooms, []);
    assert.deepEqual((await alice.must('room:directory', { query: direct.name })).rooms, [], 'not even to its members');

    const room = await alice.must('room:create', { name: `own-${randomUUID()}` });
    const carolsBefore = await carol.must('room:list', {});
    assert.deepEqual(carolsBefore.map((summary) => summary.name), ['general'], 'a new user lists general only');
    await carol.must('room:join', { roomId: room.id });
    assert.deepEqual((await carol.must('room:list', {})).map((summary) => summary.name), ['general', room.name]);
    const alices = (await alice.must('room:list', {})).map((summary) => summary.id);
    assert.ok(alices.includes(room.id) && alices.includes(direct.id));
  });

  test('refuses bad limits, bad cursors and bad queries with INVALID_PAYLOAD', async () => {
    const tab = await world.open();
    const direct = await tab.must('dm:open', { userId: (await (await world.open()).whoAmI()).id });
    const bad: [string, unknown][] = [
      ['limit 0', { limit: 0 }],
      ['limit 101', { limit: 101 }],
      ['limit 1.5', { limit: 1.5 }],
      ['limit as text', { limit: '10' }],
      ['cursor not a string', { after: 5 }],
      ['cursor of letters', { after: 'abc' }],
      ['cursor 0', { after: '0' }],
      ['cursor beyond room ids', { after: '99999999999' }],
      ['cursor naming no room', { after: '2147483647' }],
      ['cursor naming a direct room', { after: String(direct.id) }],
      ['query not a string', { query: 42 }],
      ['query too long', { query: 'x'.repeat(65) }],
      ['query with a NUL', { query: 'a\u0000b' }],
      ['payload not an object', 'general'],
    ];
    for (const [what, payload] of bad) refusedWith(await tab.call('room:directory', payload), 'INVALID_PAYLOAD', what);
    assert.ok((await tab.call('room:directory', { limit: 100 })).ok, 'the server still answers');
  });
});
