import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import type { RoomEvent } from '../../src/shared/events.js';
import { codeOf } from '../helpers/ack.js';
import { tabWorld } from '../helpers/world.js';
import { readRoom } from '../helpers/checker.js';
import { newBrowser, Tab } from '../helpers/room-client.js';

/** Who reacted with what on each message, after applying the events in offset order (the latest vote of a user wins). */
function reactionsOf(events: readonly RoomEvent[]): Map<number, Map<string, string[]>> {
  const votes = new Map<string, boolean>();
  for (const event of events) if ((event.kind === 'react' || event.kind === 'unreact') && event.target !== undefined) votes.set(`${event.target}|${event.text}|${event.author.id}`, event.kind === 'react');
  const shown = new Map<number, Map<string, string[]>>();
  for (const [key, on] of votes) {
    if (!on) continue;
    const [target, emoji, user] = key.split('|') as [string, string, string];
    const byEmoji = shown.get(Number(target)) ?? new Map<string, string[]>();
    shown.set(Number(target), byEmoji);
    byEmoji.set(emoji, [...(byEmoji.get(emoji) ?? []), user].sort());
  }
  return shown;
}

/** Issue 13, part 4: reactions are ordered events of the room, so readers converge like edits. */
describe('reactions', () => {
  const world = tabWorld();

  test('add and take back, live to the room and converged after being away; not on deleted messages; only emoji', async (t) => {
    const carolBrowser = newBrowser();
    const [alice, bob, carol] = [await world.open(), await world.open(), await world.open(carolBrowser)];
    t.after(() => [alice, bob, carol].forEach((tab) => tab.close()));
    const room = await alice.must('room:create', { name: `react-${randomUUID().slice(0, 8)}` });
    await bob.must('room:join', { roomId: room.id });
    await carol.must('room:join', { roomId: room.id });
    const first = await alice.send(room.id, 'lunch?');
    const second = await alice.send(room.id, 'typo mesage');
    await carol.waitFor(() => carol.eventsOf(room.id).length === 2, 'carol follows');
    const lastSeen = carol.rooms[String(room.id)] ?? 0;
    carol.close();

    const react = (tab: Tab, target: number, emoji: string, on: boolean) => tab.call('message:react', { roomId: room.id, target, emoji, on, clientId: randomUUID() });
    for (const [tab, emoji] of [[bob, '👍'], [alice, '👍'], [bob, '❤️'], [alice, '👩‍💻']] as const) assert.equal(codeOf(await react(tab, first.serverOffset, emoji, true)), 'ok');
    assert.equal(codeOf(await react(bob, first.serverOffset, '❤️', false)), 'ok', 'bob takes his heart back');
    await alice.waitFor(() => alice.eventsOf(room.id).some((e) => e.kind === 'unreact'), 'alice sees the unreact live');

    await alice.must('message:delete', { roomId: room.id, target: second.serverOffset, clientId: randomUUID() });
    assert.equal(codeOf(await react(bob, second.serverOffset, '😂', true)), 'UNKNOWN_MESSAGE', 'no reactions on a deleted message');
    assert.equal(codeOf(await react(bob, 999, '😂', true)), 'UNKNOWN_MESSAGE');
    for (const notEmoji of ['ok', '<b>x</b>', '👍 yes', '', '1', '👍'.repeat(20)]) {
      assert.equal(codeOf(await react(bob, first.serverOffset, notEmoji, true)), 'INVALID_PAYLOAD', `${JSON.stringify(notEmoji)} is refused`);
    }

    const expected = new Map([[first.serverOffset, new Map([['👍', [(await alice.whoAmI()).id, (await bob.whoAmI()).id].sort()], ['👩‍💻', [(await alice.whoAmI()).id]]])]]);
    const back = await world.open(carolBrowser, { rooms: { [room.id]: lastSeen } });
    t.after(() => back.close());
    const history = await readRoom(alice, room.id);
    await back.waitFor(() => back.eventsOf(room.id).length === history.length - 2, 'carol catches up every event she missed');
    assert.deepEqual(reactionsOf([...carol.eventsOf(room.id), ...back.eventsOf(room.id)]), expected, 'carol, away meanwhile, converges');
    assert.deepEqual(reactionsOf(history), expected, 'the history says the same');
    assert.deepEqual(reactionsOf(bob.eventsOf(room.id).concat(history.filter((e) => !bob.eventsOf(room.id).some((b) => b.offset === e.offset)))), expected);
    const summary = (await bob.must('room:list', {})).find((r) => r.id === room.id);
    assert.equal(summary?.unread, 2, 'reactions are not unread messages');
  });
});
