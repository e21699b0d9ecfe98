import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { tabWorld } from '../helpers/world.js';
import type { Ack } from '../../src/shared/errors.js';
import type { RoomSummary } from '../../src/shared/events.js';
import { listEventually, newBrowser, noticesAbout, onlineIds, until, userIdOf, type Tab } from './tabs.js';
import { quietFor } from '../helpers/waits.js';

let observer: Tab;
const world = tabWorld();
/** Longer than the leave grace plus a sweep: a `left` that was coming has come by then. */
const SETTLE_MS = 3500;

before(async () => {
  const browser = newBrowser();
  observer = await world.openOn(browser, 0);
  // The coordinator starts a few seconds after boot; from then on it announces everyone.
  await until(() => noticesAbout(observer, userIdOf(browser)).includes('joined@1'), 'the observer sees itself join', 20_000);
});

test('a user with two tabs joins once; closing one tab is not leaving; closing the other is one left and one offline', async () => {
  const dave = newBrowser();
  const daveId = userIdOf(dave);
  const first = await world.openOn(dave, 0);
  const second = await world.openOn(dave, 1);
  await until(() => noticesAbout(observer, daveId).includes('joined@1'), 'dave joins');
  await quietFor(SETTLE_MS, 'a notice that was coming');
  assert.deepEqual(noticesAbout(observer, daveId), ['online@all', 'joined@1']);

  first.close();
  await quietFor(SETTLE_MS, 'a notice that was coming');
  assert.deepEqual(noticesAbout(observer, daveId), ['online@all', 'joined@1'], 'one tab closed: nothing announced');

  second.close();
  await until(() => noticesAbout(observer, daveId).includes('offline@all'), 'dave goes offline');
  await quietFor(SETTLE_MS, 'a notice that was coming');
  assert.deepEqual(noticesAbout(observer, daveId), ['online@all', 'joined@1', 'left@1', 'offline@all']);
});

test('two tabs closing at the same moment on two workers make exactly one left', async () => {
  for (let round = 0; round < 3; round++) {
    const erin = newBrowser();
    const erinId = userIdOf(erin);
    const erinTabs = await Promise.all([world.openOn(erin, 0), world.openOn(erin, 1), world.openOn(erin, 0), world.openOn(erin, 1)]);
    await until(() => noticesAbout(observer, erinId).includes('joined@1'), 'erin joins');
    for (const tab of erinTabs) tab.close();
    await until(() => noticesAbout(observer, erinId).includes('offline@all'), 'erin goes offline');
    await quietFor(SETTLE_MS, 'a notice that was coming');
    assert.deepEqual(noticesAbout(observer, erinId), ['online@all', 'joined@1', 'left@1', 'offline@all'], `round ${round}`);
  }
});

test('a page reload (close and reopen within the grace) is neither a leave nor a join', async () => {
  const fay = newBrowser();
  const fayId = userIdOf(fay);
  const tab = await world.openOn(fay, 1);
  await until(() => noticesAbout(observer, fayId).includes('joined@1'), 'fay joins');
  tab.close();
  await world.openOn(fay, 0);
  await quietFor(SETTLE_MS, 'a notice that was coming');
  assert.deepEqual(noticesAbout(observer, fayId), ['online@all', 'joined@1']);
});

test('room:leave in one tab takes the user out of the room on every worker: one left there, still online', async () => {
  const ivy = newBrowser();
  const ivyId = userIdOf(ivy);
  const [creator, other] = await Promise.all([world.openOn(ivy, 0), world.openOn(ivy, 1)]);
  const created = (await creator.socket.timeout(10_000).emitWithAck('room:create', { name: `presence-${ivyId.slice(2, 10)}` })) as Ack<RoomSummary>;
  assert.ok(created.ok, JSON.stringify(created));
  const roomId = created.data.id;
  for (const tab of [other, observer]) {
    const joined = (await tab.socket.timeout(10_000).emitWithAck('room:join', { roomId, after: 0 })) as Ack<RoomSummary>;
    assert.ok(joined.ok, JSON.stringify(joined));
  }
  await listEventually(observer.socket, roomId, (ids) => ids.includes(ivyId), 'ivy listed in the new room');
  // Presence is sampled (a sweep at most every 500 ms): a stay shorter than that may go
  // unannounced altogether, so the leave comes after the join was announced.
  await until(() => noticesAbout(creator, ivyId).includes(`joined@${roomId}`), 'ivy announced in the new room');

  const left = (await creator.socket.timeout(10_000).emitWithAck('room:leave', { roomId })) as Ack<null>;
  assert.ok(left.ok, JSON.stringify(left));
  await until(() => noticesAbout(observer, ivyId).includes(`left@${roomId}`), 'ivy left the room');
  await quietFor(SETTLE_MS, 'a notice that was coming');
  const about = noticesAbout(observer, ivyId);
  assert.equal(about.filter((notice) => notice === `left@${roomId}`).length, 1, 'one left');
  assert.ok(!about.includes('offline@all') && !about.includes('left@1'), 'still online, still in general');
  assert.ok(!(await onlineIds(observer.socket, roomId)).includes(ivyId));
  assert.ok((await onlineIds(observer.socket)).includes(ivyId));
});
