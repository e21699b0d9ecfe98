import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import type { RoomEvent } from '../../src/shared/events.js';
import { tabWorld } from '../helpers/world.js';
import { newBrowser } from '../helpers/room-client.js';
import { readRoom } from '../helpers/checker.js';

/** What a client shows after applying events in offset order: offset -> text, deleted ones gone. */
function replay(events: readonly RoomEvent[]): Map<number, string> {
  const shown = new Map<number, string>();
  for (const event of events) {
    if (event.kind === 'message') shown.set(event.offset, event.text);
    else if (event.target !== undefined && shown.has(event.target)) {
      if (event.kind === 'edit') shown.set(event.target, event.text);
      else shown.delete(event.target);
    }
  }
  return shown;
}

/** Edits and deletions are ordered events: a client that was away converges by replaying. */
describe('history, edits and deletions', () => {
  const world = tabWorld();

  test('a client that was offline during edits and deletions converges to the same state', async (t) => {
    const bobBrowser = newBrowser();
    const alice = await world.open();
    const bob = await world.open(bobBrowser);
    t.after(() => [alice, bob].forEach((tab) => tab.close()));
    const room = await alice.must('room:create', { name: `converge-${randomUUID()}` });
    await bob.must('room:join', { roomId: room.id });
    const [first, second, third] = [await alice.send(room.id, 'one'), await alice.send(room.id, 'two'), await alice.send(room.id, 'three')];
    assert.ok(first && second && third);
    await bob.waitFor(() => bob.eventsOf(room.id).length === 3, 'bob saw the first three');
    const seenBeforeLeaving = [...bob.eventsOf(room.id)];
    const lastSeen = bob.rooms[String(room.id)] ?? 0;
    bob.close();

    // While bob is away: an edit of a message he saw, a deletion of another, a new message edited twice.
    const changeId = () => randomUUID();
    await alice.must('message:edit', { roomId: room.id, target: first.serverOffset, text: 'one (edited)', clientId: changeId() });
    await alice.must('message:delete', { roomId: room.id, target: second.serverOffset, clientId: changeId() });
    const fourth = await alice.send(room.id, 'four');
    await alice.must('message:edit', { roomId: room.id, target: fourth.serverOffset, text: 'four, v2', clientId: changeId() });
    await alice.must('message:edit', { roomId: room.id, target: fourth.serverOffset, text: 'four, v3', clientId: changeId() });

    const back = await world.open(bobBrowser, { rooms: { [room.id]: lastSeen } });
    t.after(() => back.close());
    await back.waitFor(() => back.eventsOf(room.id).length === 5, 'bob catches up the five events he missed');
    const bobsView = replay([...seenBeforeLeaving, ...back.eventsOf(room.id)]);
    const history = await readRoom(alice, room.id);
    assert.deepEqual(bobsView, replay(history));
    assert.deepEqual([...bobsView], [
      [first.serverOffset, 'one (edited)'],
      [third.serverOffset, 'three'],
      [fourth.serverOffset, 'four, v3'],
    ]);
    assert.deepEqual(
      back.eventsOf(room.id).map((event) => [event.kind, event.target]),
      [['edit', first.serverOffset], ['delete', second.serverOffset], ['message', undefined], ['edit', fourth.serverOffset], ['edit', fourth.serverOffset]],
    );
  });

  test('history:before pages from the newest event down to the first, without gap or overlap', async (t) => {
    const alice = await world.open();
    t.after(() => alice.close());
    const room = await alice.must('room:create', { name: `pages-${randomUUID()}` });
    for (let n = 1; n <= 45; n++) await alice.send(room.id, `m${n}`);
    await alice.must('message:delete', { roomId: room.id, target: 7, clientId: randomUUID() });
    const pages: number[][] = [];
    for (let before: number | undefined, guard = 0; guard < 20; guard++) {
      const page = await alice.must('history:before', before === undefined ? { roomId: room.id, limit: 20 } : { roomId: room.id, before, limit: 20 });
      if (page.length === 0) break;
      pages.push(page.map((event) => event.offset));
      before = page[0]?.offset;
    }
    assert.deepEqual(pages.map((page) => page.length), [20, 20, 6]);
    assert.deepEqual(pages.slice().reverse().flat(), Array.from({ length: 46 }, (_, i) => i + 1));
    const newest = await alice.must('history:before', { roomId: room.id, limit: 1 });
    assert.deepEqual(newest.map((event) => [event.kind, event.target]), [['delete', 7]]);
  });
});
