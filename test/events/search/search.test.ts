import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import type { SearchResults } from '../../../src/shared/events.js';
import { ackOf, codeOf } from '../../helpers/ack.js';
import { tabWorld } from '../../helpers/world.js';
import { newBrowser, Tab } from '../../helpers/room-client.js';

async function search(tab: Tab, query: string, extra: Record<string, unknown> = {}): Promise<SearchResults> {
  const ack = await ackOf(tab.socket, 'search:messages', { query, ...extra });
  if (!ack.ok) throw new Error(`search refused: ${ack.error} ${ack.message}`);
  return ack.data as SearchResults;
}

const texts = (results: SearchResults): string[] => results.hits.map((hit) => hit.event.text);

/** Issue 13, part 1, end to end on a 2-worker node: `search:messages` over what a user may read. */
describe('search', () => {
  const world = tabWorld();

  test("public rooms and one's own direct rooms, newest first; edits and deletions are searched as they read now", async () => {
    const [alice, bob, eve] = [await world.open(), await world.open(), await world.open()];
    const word = `zebra${randomUUID().slice(0, 6)}`;
    const room = await alice.must('room:create', { name: `search-${randomUUID().slice(0, 8)}` });
    const dm = await alice.must('dm:open', { userId: (await bob.whoAmI()).id });
    const first = await alice.send(room.id, `the ${word} escaped`);
    await alice.send(dm.id, `psst, ${word} secret`);
    const doomed = await alice.send(room.id, `${word} again, to delete`);

    assert.deepEqual(texts(await search(alice, word)), [`${word} again, to delete`, `psst, ${word} secret`, `the ${word} escaped`]);
    assert.deepEqual(texts(await search(eve, word.toUpperCase())), [`${word} again, to delete`, `the ${word} escaped`], "never another user's direct room");
    const [hit] = (await search(bob, `${word} secret`)).hits;
    assert.equal(hit?.event.roomId, dm.id);
    assert.equal(hit?.roomName, dm.name);

    await alice.must('message:edit', { roomId: room.id, target: first.serverOffset, text: `the ${word} came home`, clientId: randomUUID() });
    await alice.must('message:delete', { roomId: room.id, target: doomed.serverOffset, clientId: randomUUID() });
    const now = await search(eve, word);
    assert.deepEqual(texts(now), [`the ${word} came home`]);
    assert.equal(now.hits[0]?.event.offset, first.serverOffset, 'the hit opens the message at its own offset');
    assert.deepEqual(texts(await search(eve, 'escaped')).filter((t) => t.includes(word)), []);
  });

  test('pages, bad input, and the per-user search limit across connections', async () => {
    const writer = await world.open();
    const word = `kiwi${randomUUID().slice(0, 6)}`;
    const room = await writer.must('room:create', { name: `pages-${randomUUID().slice(0, 8)}` });
    for (let i = 0; i < 7; i++) await writer.send(room.id, `${word} ${i}`);
    const first = await search(writer, word, { limit: 4 });
    assert.equal(first.hits.length, 4);
    assert.ok(first.next !== null);
    const second = await search(writer, word, { limit: 4, before: first.next });
    assert.deepEqual([...texts(first), ...texts(second)], Array.from({ length: 7 }, (_, i) => `${word} ${6 - i}`));
    assert.equal(second.next, null);
    assert.equal(codeOf(await ackOf(writer.socket, 'search:messages', { query: '' })), 'INVALID_PAYLOAD');
    assert.equal(codeOf(await ackOf(writer.socket, 'search:messages', { query: 'x', limit: 1000 })), 'INVALID_PAYLOAD');
    assert.deepEqual(texts(await search(writer, '"*:&|!()')), [], 'only punctuation: no words, nothing found');

    // One user, two tabs (one browser): the 30-per-10-s search budget is the user's, not each tab's.
    const browser = newBrowser();
    const [one, two] = [await world.open(browser), await world.open(browser)];
    const codes: string[] = [];
    for (let i = 0; i < 20; i++) {
      codes.push(codeOf(await ackOf(one.socket, 'search:messages', { query: word })), codeOf(await ackOf(two.socket, 'search:messages', { query: word })));
    }
    assert.ok(codes.filter((code) => code === 'ok').length <= 31, `at most the budget is answered (${codes.filter((c) => c === 'ok').length})`);
    assert.ok(codes.includes('RATE_LIMITED'));
    assert.equal(codeOf(await ackOf(writer.socket, 'search:messages', { query: word })), 'ok', 'another user is not slowed');
  });
});
