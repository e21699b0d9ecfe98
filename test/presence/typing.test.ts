import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ErrorCode } from '../../src/shared/errors.js';
import type { PublicUser } from '../../src/shared/events.js';
import { tabWorld } from '../helpers/world.js';
import { GENERAL, ask, newBrowser, until, userIdOf, type Tab } from './tabs.js';
import { letTimePass, quietFor } from '../helpers/waits.js';

const world = tabWorld();
const typingOf = (tab: Tab, userId: string): boolean[] => tab.typing.filter((event) => event.user.id === userId).map((event) => event.typing);

test("typing reaches the others in the room on both workers, never the typist's own tabs", async () => {
  const alice = newBrowser();
  const aliceId = userIdOf(alice);
  const [typist, aliceElsewhere, bob, carol] = await Promise.all([world.openOn(alice, 0), world.openOn(alice, 1), world.openOn(newBrowser(), 1), world.openOn(newBrowser(), 0)]);

  const answer = await ask<null>(typist!.socket, 'typing', { roomId: GENERAL, typing: true });
  assert.deepEqual(answer, { ok: true, data: null });
  await until(() => typingOf(bob!, aliceId).length === 1 && typingOf(carol!, aliceId).length === 1, 'bob and carol see alice typing');
  assert.deepEqual(bob!.typing[0], { roomId: GENERAL, user: bob!.typing[0]!.user, typing: true });

  assert.deepEqual(await ask<null>(typist!.socket, 'typing', { roomId: GENERAL, typing: false }), { ok: true, data: null });
  await until(() => typingOf(bob!, aliceId).length === 2 && typingOf(carol!, aliceId).length === 2, 'bob and carol see alice stop');
  assert.deepEqual(typingOf(bob!, aliceId), [true, false]);
  await quietFor(300, 'typing reaching alice\'s other tab');
  assert.deepEqual(typingOf(aliceElsewhere!, aliceId), [], "alice's other tab is not told");
  assert.deepEqual(typingOf(typist!, aliceId), [], 'the typing tab is not told');
});

test('typing expires by itself when the typist goes quiet, and stops when the typist disconnects', async () => {
  const dan = newBrowser();
  const danId = userIdOf(dan);
  const [typist, watcher] = await Promise.all([world.openOn(dan, 0), world.openOn(newBrowser(), 1)]);

  await ask<null>(typist!.socket, 'typing', { roomId: GENERAL, typing: true });
  await until(() => typingOf(watcher!, danId).length === 1, 'watcher sees dan typing');
  const quietFor = await until(() => typingOf(watcher!, danId).length === 2, 'the indicator expires', 10_000);
  assert.deepEqual(typingOf(watcher!, danId), [true, false]);
  assert.ok(quietFor >= 4000, `expired after ${quietFor} ms, not before the typist went quiet for ~5 s`);

  await ask<null>(typist!.socket, 'typing', { roomId: GENERAL, typing: true });
  await until(() => typingOf(watcher!, danId).length === 3, 'dan types again');
  typist!.close();
  await until(() => typingOf(watcher!, danId).length === 4, 'dan disconnects: typing stops', 2000);
  assert.deepEqual(typingOf(watcher!, danId), [true, false, true, false]);
});

test('bad typing and presence:list payloads, rooms not followed and floods get error acks', async () => {
  const [tab] = await Promise.all([world.openOn(newBrowser(), 0)]);
  const errorOf = async (event: 'typing' | 'presence:list', payload: unknown): Promise<ErrorCode | 'ok'> => {
    const answer = await ask<PublicUser[] | null>(tab!.socket, event, payload);
    return answer.ok ? 'ok' : answer.error;
  };
  for (const payload of [undefined, null, 'general', { roomId: GENERAL }, { roomId: GENERAL, typing: 'yes' }, { roomId: '1', typing: true }, { roomId: 1.5, typing: true }, { roomId: -1, typing: true }]) {
    assert.equal(await errorOf('typing', payload), 'INVALID_PAYLOAD', `typing ${JSON.stringify(payload)}`);
    // Every typing event pays its price before it is parsed (2 a second): stay within it.
    await letTimePass(550, 'the typing price (2 a second) is paid again');
  }
  // A room that does not exist and another user's direct room get the same answer.
  assert.equal(await errorOf('typing', { roomId: 999_999, typing: true }), 'UNKNOWN_ROOM');
  for (const payload of ['x', { roomId: 'general' }, { roomId: 0 }, [1]]) {
    assert.equal(await errorOf('presence:list', payload), 'INVALID_PAYLOAD', `presence:list ${JSON.stringify(payload)}`);
  }
  assert.equal(await errorOf('presence:list', { roomId: 999_999 }), 'UNKNOWN_ROOM');

  const flood = await Promise.all(Array.from({ length: 30 }, () => errorOf('typing', { roomId: GENERAL, typing: true })));
  assert.ok(flood.includes('RATE_LIMITED'), 'a typing flood is rate limited');
  assert.ok(flood.includes('ok'), 'the first ones pass');
  assert.equal(await errorOf('typing', { roomId: GENERAL, typing: false }), 'ok', 'stopping is never refused');
  // The worker lives on: the tab still gets answers.
  assert.equal(await errorOf('presence:list', {}), 'ok');
});
