// Issue 22, item 1: a deleted message is redacted. After its author deletes it, or a
// moderator removes it, no path of the wire serves its text again: history:before,
// room:join's catch-up, the handshake's re-follow, a direct room's other member, the
// tutorial's catch-up; and an edited message's earlier text is served by none of them.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import type { RoomEvent } from '../../src/shared/events.js';
import { connected, eventually, tutorialClient } from '../helpers/clients.js';
import { tabWorld } from '../helpers/world.js';
import { adminApi } from '../moderation/moderation-client.js';
import { newBrowser, Tab } from '../helpers/room-client.js';

const TOKEN = 'redaction-test-admin-token-0123456789';

/** A text no other test writes, so that finding it anywhere on the wire means it leaked. */
const secretText = (): string => `password hunter2-${randomUUID().slice(0, 8)}`;

/** Fails if `secret` appears anywhere in what the wire carried. */
function assertNever(secret: string, carried: unknown, where: string): void {
  assert.ok(!JSON.stringify(carried).includes(secret), `${where} carried the erased text: ${JSON.stringify(carried)}`);
}

/** The tombstone of message `offset` among `events`: kind message, no text, who deleted and when. */
function tombstoneAt(events: readonly RoomEvent[], offset: number): RoomEvent {
  const event = events.find((candidate) => candidate.offset === offset);
  assert.ok(event, `an event at offset ${offset}`);
  assert.equal(event.kind, 'message');
  assert.equal(event.text, '');
  assert.ok(event.redacted, `offset ${offset} is served as a tombstone: ${JSON.stringify(event)}`);
  assert.equal(typeof event.redacted.at, 'number');
  return event;
}

describe('redaction: a deleted message is served as a tombstone on every path', () => {
  const world = tabWorld({ workers: 2, env: { PARLEY_ADMIN_TOKENS: TOKEN } });
  const open = (browser: string, rooms?: Record<string, number>): Promise<Tab> => world.open(browser, rooms ? { rooms } : {});

  test('history:before, room:join catch-up and the handshake re-follow serve the tombstone, with who deleted it', async () => {
    const aliceBrowser = newBrowser();
    const alice = await open(aliceBrowser);
    const aliceUser = await alice.whoAmI();
    const room = await alice.must('room:create', { name: `redact-${randomUUID()}` });
    const secret = secretText();
    const sent = await alice.send(room.id, secret);
    await alice.send(room.id, 'after it');
    const deletion = await alice.must('message:delete', { roomId: room.id, target: sent.serverOffset, clientId: randomUUID() });

    const history = await alice.must('history:before', { roomId: room.id });
    assertNever(secret, history, 'history:before');
    const tombstone = tombstoneAt(history, sent.serverOffset);
    assert.deepEqual(tombstone.redacted?.by, aliceUser, 'the author deleted it');
    assert.deepEqual(tombstone.author, aliceUser);
    assert.deepEqual(
      history.map((event) => [event.offset, event.kind, event.text]),
      [[sent.serverOffset, 'message', ''], [sent.serverOffset + 1, 'message', 'after it'], [deletion.serverOffset, 'delete', '']],
    );

    // Someone joins afterwards: room:join's catch-up.
    const bob = await open(newBrowser());
    await bob.must('room:join', { roomId: room.id });
    await bob.waitFor(() => bob.eventsOf(room.id).length === 3, 'bob is caught up');
    assertNever(secret, bob.eventsOf(room.id), "room:join's catch-up");
    tombstoneAt(bob.eventsOf(room.id), sent.serverOffset);

    // A new tab of alice's lists the room in its handshake: the re-follow.
    const again = await open(aliceBrowser, { [room.id]: 0 });
    await again.waitFor(() => again.eventsOf(room.id).length === 3, 'the re-follow caught up');
    assertNever(secret, again.eventsOf(room.id), "the handshake's re-follow");
    tombstoneAt(again.eventsOf(room.id), sent.serverOffset);
  });

  test('a client away during the delete gets the tombstone, from the feeds that held the text in memory', async () => {
    const alice = await open(newBrowser());
    const bobBrowser = newBrowser();
    const bob = await open(bobBrowser);
    const room = await alice.must('room:create', { name: `away-${randomUUID()}` });
    await bob.must('room:join', { roomId: room.id });
    const first = await alice.send(room.id, 'before bob leaves');
    await bob.waitFor(() => bob.eventsOf(room.id).length === 1, 'bob saw the first message');
    const lastSeen = bob.rooms[String(room.id)] ?? 0;
    assert.equal(lastSeen, first.serverOffset);
    bob.close();

    // While bob is away, the feeds deliver the secret (to alice's room) and its deletion.
    const secret = secretText();
    const sent = await alice.send(room.id, secret);
    const edited = await alice.send(room.id, 'a first version');
    await alice.must('message:edit', { roomId: room.id, target: edited.serverOffset, text: 'the final version', clientId: randomUUID() });
    await alice.must('message:delete', { roomId: room.id, target: sent.serverOffset, clientId: randomUUID() });

    const back = await open(bobBrowser, { [room.id]: lastSeen });
    await back.waitFor(() => back.eventsOf(room.id).length === 4, 'bob caught up the four events he missed');
    const missed = back.eventsOf(room.id);
    assertNever(secret, missed, 'the catch-up after being away');
    assertNever('a first version', missed, 'the catch-up after being away (an edit replaced it)');
    tombstoneAt(missed, sent.serverOffset);
    assert.deepEqual(
      missed.map((event) => [event.offset, event.kind, event.text]),
      [[sent.serverOffset, 'message', ''], [edited.serverOffset, 'message', 'the final version'], [edited.serverOffset + 1, 'edit', 'the final version'], [edited.serverOffset + 2, 'delete', '']],
    );
  });

  test("an edit's earlier text is served by neither history:before nor a catch-up", async () => {
    const alice = await open(newBrowser());
    const room = await alice.must('room:create', { name: `edits-${randomUUID()}` });
    const sent = await alice.send(room.id, 'version one');
    await alice.must('message:edit', { roomId: room.id, target: sent.serverOffset, text: 'version two', clientId: randomUUID() });
    await alice.must('message:edit', { roomId: room.id, target: sent.serverOffset, text: 'version three', clientId: randomUUID() });
    const history = await alice.must('history:before', { roomId: room.id });
    const reader = await open(newBrowser());
    await reader.must('room:join', { roomId: room.id });
    await reader.waitFor(() => reader.eventsOf(room.id).length === 3, 'the reader is caught up');
    for (const [where, events] of [['history:before', history], ['room:join', reader.eventsOf(room.id)]] as const) {
      assertNever('version one', events, where);
      assertNever('version two', events, where);
      assert.deepEqual(
        events.map((event) => [event.kind, event.text, event.redacted === undefined]),
        [['message', 'version three', true], ['edit', '', false], ['edit', 'version three', true]],
        where,
      );
    }
  });

  test("a direct room's other member, back later, gets the tombstone", async () => {
    const alice = await open(newBrowser());
    const bobBrowser = newBrowser();
    const bob = await open(bobBrowser);
    const bobUser = await bob.whoAmI();
    const direct = await alice.must('dm:open', { userId: bobUser.id });
    bob.close();
    const secret = secretText();
    const sent = await alice.send(direct.id, secret);
    await alice.send(direct.id, 'sorry, wrong window');
    await alice.must('message:delete', { roomId: direct.id, target: sent.serverOffset, clientId: randomUUID() });

    const back = await open(bobBrowser, { [direct.id]: 0 });
    await back.waitFor(() => back.eventsOf(direct.id).length === 3, 'bob caught up the direct room');
    assertNever(secret, back.eventsOf(direct.id), "the direct room's re-follow");
    tombstoneAt(back.eventsOf(direct.id), sent.serverOffset);
    const history = await back.must('history:before', { roomId: direct.id });
    assertNever(secret, history, "the direct room's history");
    tombstoneAt(history, sent.serverOffset);
  });

  test("a moderator's removal redacts too: the tombstone names who removed it", async () => {
    const alice = await open(newBrowser());
    const room = await alice.must('room:create', { name: `removed-${randomUUID()}` });
    const secret = secretText();
    const sent = await alice.send(room.id, secret);
    const removal = await adminApi(world.url, TOKEN, 'POST', 'delete', { roomId: room.id, target: sent.serverOffset, reason: 'leaked a password' });
    assert.equal(removal.status, 200, JSON.stringify(removal.body));
    const reader = await open(newBrowser());
    await reader.must('room:join', { roomId: room.id });
    await reader.waitFor(() => reader.eventsOf(room.id).length === 2, 'the reader is caught up');
    assertNever(secret, reader.eventsOf(room.id), 'the catch-up after a removal');
    assert.equal(tombstoneAt(reader.eventsOf(room.id), sent.serverOffset).redacted?.by.name, 'admin API');
  });

  test("the tutorial's catch-up leaves deleted messages out", async () => {
    const author = await open(newBrowser());
    const general = (await author.must('room:list', {})).find((room) => room.name === 'general');
    assert.ok(general);
    await author.must('room:join', { roomId: general.id });
    const secret = secretText();
    const sent = await author.send(general.id, secret);
    const marker = `still here ${randomUUID()}`;
    const kept = await author.send(general.id, marker);
    await author.must('message:delete', { roomId: general.id, target: sent.serverOffset, clientId: randomUUID() });

    const tutorial = tutorialClient(world.url, { serverOffset: 0 });
    try {
      await connected(tutorial);
      await eventually(() => tutorial.deliveries.some((delivery) => delivery.text === marker), 'the tutorial client is caught up past the deleted message');
      assertNever(secret, tutorial.deliveries, "the tutorial's catch-up");
      assert.ok(!tutorial.deliveries.some((delivery) => delivery.serverOffset === sent.serverOffset), 'the deleted offset is skipped');
      assert.ok(tutorial.deliveries.some((delivery) => delivery.serverOffset === kept.serverOffset));
      assert.deepEqual(
        tutorial.deliveries.map((delivery) => delivery.serverOffset),
        [...tutorial.deliveries.map((delivery) => delivery.serverOffset)].sort((a, b) => a - b),
        'offsets still only grow',
      );
    } finally {
      tutorial.close();
    }
  });
});
