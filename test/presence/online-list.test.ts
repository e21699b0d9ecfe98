import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tabWorld } from '../helpers/world.js';
import type { PublicUser } from '../../src/shared/events.js';
import type { Ack } from '../../src/shared/errors.js';
import { GENERAL, ask, listEventually, newBrowser, onlineIds, userIdOf } from './tabs.js';
import { letTimePass, quietFor } from '../helpers/waits.js';

const world = tabWorld();

test('a user with tabs on both workers is one online user, overall and in the room', async () => {
  const alice = newBrowser();
  const bob = newBrowser();
  // Tutorial pages count as much as room-protocol tabs: both follow the room.
  const aliceTabs = await Promise.all([world.openOn(alice, 0), world.openOn(alice, 1), world.openOn(alice, 0, { protocol: 'tutorial' }), world.openOn(alice, 1, { protocol: 'tutorial' })]);
  const bobTab = await world.openOn(bob, 1, { protocol: 'tutorial' });
  assert.deepEqual(new Set(aliceTabs.map((tab) => tab.worker)), new Set([0, 1]));

  for (const asker of [aliceTabs[0], bobTab]) {
    for (const roomId of [undefined, GENERAL]) {
      const ids = await onlineIds(asker!.socket, roomId);
      assert.equal(ids.filter((id) => id === userIdOf(alice)).length, 1, 'alice is listed once');
      assert.ok(ids.includes(userIdOf(bob)), 'bob is listed');
      assert.equal(new Set(ids).size, ids.length, 'one entry per user');
    }
  }
});

test('closing some tabs keeps the user online; closing the last one takes them off the list', async () => {
  const carol = newBrowser();
  const observer = await world.openOn(newBrowser(), 0);
  const carolTabs = await Promise.all([world.openOn(carol, 0), world.openOn(carol, 1), world.openOn(carol, 1)]);
  await listEventually(observer.socket, GENERAL, (ids) => ids.includes(userIdOf(carol)), 'carol listed');

  carolTabs[1]!.close();
  carolTabs[2]!.close();
  await quietFor(300, 'carol dropped from the list while one tab stays');
  assert.ok((await onlineIds(observer.socket, GENERAL)).includes(userIdOf(carol)), 'one tab left: still online');

  carolTabs[0]!.close();
  await listEventually(observer.socket, undefined, (ids) => !ids.includes(userIdOf(carol)), 'carol gone overall');
  assert.ok(!(await onlineIds(observer.socket, GENERAL)).includes(userIdOf(carol)), 'carol gone from the room');
});

test('a tutorial page is listed but sent no presence notices (it has no use for them)', async () => {
  const watcher = await world.openOn(newBrowser(), 1, { protocol: 'tutorial' });
  const hal = newBrowser();
  await world.openOn(hal, 0);
  await listEventually(watcher.socket, GENERAL, (ids) => ids.includes(userIdOf(hal)), 'hal listed');
  await quietFor(1500, 'hal dropped from the list while he stays');
  assert.deepEqual(watcher.notices, []);
});

test('a guest who picks a nickname is listed under it by tabs on the other worker', async () => {
  const dana = newBrowser();
  const danaTab = await world.openOn(dana, 0);
  const observer = await world.openOn(newBrowser(), 1);
  // Asked once before the rename: the observer's server then holds worker 0's full report.
  await listEventually(observer.socket, undefined, (ids) => ids.includes(userIdOf(dana)), 'dana listed');
  const nickname = `dana-${Date.now() % 100_000}`;
  const renamed = (await danaTab.socket.timeout(10_000).emitWithAck('guest:nickname', { nickname })) as Ack<PublicUser>;
  assert.ok(renamed.ok, 'the nickname is free');

  const deadline = Date.now() + 15_000;
  let name: string | undefined;
  while (Date.now() < deadline) {
    const answer = await ask<PublicUser[]>(observer.socket, 'presence:list', {});
    assert.ok(answer.ok, answer.ok ? '' : `${answer.error}: ${answer.message}`);
    name = answer.data.find((user) => user.id === userIdOf(dana))?.name;
    if (name === nickname) break;
    await letTimePass(600, 'presence:list allows 2 a second per connection'); // presence:list allows 2 a second per connection
  }
  assert.equal(name, nickname, 'the online list shows the new name');
});
