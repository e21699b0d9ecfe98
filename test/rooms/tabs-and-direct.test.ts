import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { connected, tutorialClient, workerOf } from '../helpers/clients.js';
import { refusedWith } from '../helpers/ack.js';
import { tabWorld } from '../helpers/world.js';
import { newBrowser, Tab } from '../helpers/room-client.js';
import { quietFor } from '../helpers/waits.js';

const workerOfTab = (tab: Tab): number => workerOf(tab.socket);

/** One user with several tabs, and direct rooms between users, on a 2-worker server. */
describe('tabs and direct rooms', () => {
  const world = tabWorld();

  test("the sending tab gets its ack and no echo; the same user's other tab and others get the event", async () => {
    const browser = newBrowser();
    const aliceTab1 = await world.open(browser);
    const aliceTab2 = await world.open(browser);
    const bob = await world.open();
    assert.notEqual(workerOfTab(aliceTab1), workerOfTab(aliceTab2), 'the two tabs are on different workers');
    const room = await aliceTab1.must('room:create', { name: `echo-${randomUUID()}` });
    await aliceTab2.waitFor(() => aliceTab2.added.some((added) => added.id === room.id), 'tab 2 hears of the new room');
    await aliceTab2.must('room:join', { roomId: room.id });
    await bob.must('room:join', { roomId: room.id });

    const sent = await Promise.all([1, 2, 3].map((n) => aliceTab1.send(room.id, `hello ${n}`)));
    await aliceTab2.waitFor(() => aliceTab2.eventsOf(room.id).length === 3, 'tab 2 gets all three');
    await bob.waitFor(() => bob.eventsOf(room.id).length === 3, 'bob gets all three');
    await quietFor(200, 'an echo to the sending tab');
    assert.deepEqual(aliceTab1.eventsOf(room.id), [], 'no echo to the sending tab');
    assert.deepEqual(aliceTab2.eventsOf(room.id).map((event) => event.offset), sent.map((each) => each.serverOffset).sort());
    assert.deepEqual(bob.eventsOf(room.id).map((event) => event.text), ['hello 1', 'hello 2', 'hello 3']);
    assert.ok(aliceTab2.events.every((event) => event.author.id === aliceTab2.events[0]?.author.id));
  });

  test("a direct room: both users' tabs get it, only the two can read, join or send", async () => {
    const aliceBrowser = newBrowser();
    const bobBrowser = newBrowser();
    const aliceTab1 = await world.open(aliceBrowser);
    const aliceTab2 = await world.open(aliceBrowser);
    const bobTab1 = await world.open(bobBrowser);
    const bobTab2 = await world.open(bobBrowser);
    const carol = await world.open();
    const bobUser = await bobTab1.whoAmI();
    const aliceUser = await aliceTab1.whoAmI();

    const direct = await aliceTab1.must('dm:open', { userId: bobUser.id });
    assert.equal(direct.kind, 'direct');
    assert.deepEqual(direct.participants?.map((user) => user.id).sort(), [aliceUser.id, bobUser.id].sort());
    for (const tab of [bobTab1, bobTab2, aliceTab2]) {
      await tab.waitFor(() => tab.added.some((added) => added.id === direct.id), 'every other tab of both users hears of it');
    }
    const again = await bobTab1.must('dm:open', { userId: aliceUser.id });
    assert.equal(again.id, direct.id, 'one direct room per pair');
    await bobTab2.must('room:join', { roomId: direct.id });
    await aliceTab2.must('room:join', { roomId: direct.id });

    await aliceTab1.send(direct.id, 'psst');
    await bobTab1.send(direct.id, 'yes?');
    for (const tab of [bobTab2, aliceTab2]) await tab.waitFor(() => tab.eventsOf(direct.id).length === 2, 'both messages reach every other tab');
    await bobTab1.waitFor(() => bobTab1.eventsOf(direct.id).length === 1, "bob's first tab gets alice's message");
    await aliceTab1.waitFor(() => aliceTab1.eventsOf(direct.id).length === 1, "alice's first tab gets bob's message");

    refusedWith(await carol.call('room:join', { roomId: direct.id }), 'UNKNOWN_ROOM');
    refusedWith(await carol.call('history:before', { roomId: direct.id }), 'UNKNOWN_ROOM');
    refusedWith(await carol.call('message:send', { roomId: direct.id, text: 'let me in', clientId: randomUUID() }), 'UNKNOWN_ROOM');
    refusedWith(await carol.call('read:mark', { roomId: direct.id, offset: 1 }), 'UNKNOWN_ROOM');
    refusedWith(await carol.call('message:delete', { roomId: direct.id, target: 1, clientId: randomUUID() }), 'UNKNOWN_ROOM');
    assert.ok(!(await carol.must('room:list', {})).some((room) => room.id === direct.id), 'not in a third user’s list');
    assert.ok(carol.events.every((event) => event.roomId !== direct.id));
    const bobsList = (await bobTab1.must('room:list', {})).find((room) => room.id === direct.id);
    assert.deepEqual([bobsList?.member, bobsList?.head, bobsList?.unread], [true, 2, 1]);

    refusedWith(await carol.call('dm:open', { userId: 'g:nobody-at-all' }), 'UNKNOWN_USER');
    refusedWith(await aliceTab1.call('dm:open', { userId: aliceUser.id }), 'INVALID_PAYLOAD');
    refusedWith(await aliceTab1.call('dm:open', {}), 'INVALID_PAYLOAD');
  });

  test('the handshake re-follows member rooms from auth.rooms; other rooms are ignored; bad auth.rooms is refused', async () => {
    const browser = newBrowser();
    const alice = await world.open();
    const room = await alice.must('room:create', { name: `refollow-${randomUUID()}` });
    const bob = await world.open(browser);
    await bob.must('room:join', { roomId: room.id });
    for (let n = 1; n <= 5; n++) await alice.send(room.id, `m${n}`);
    const other = await alice.must('room:create', { name: `not-bobs-${randomUUID()}` });
    await alice.send(other.id, 'not for bob');

    const again = world.track(new Tab(world.url, { browser, rooms: { [room.id]: 2, [other.id]: 0 } }));
    await again.waitFor(() => again.eventsOf(room.id).length === 3, 'caught up from offset 2');
    await alice.send(room.id, 'm6');
    await again.waitFor(() => again.eventsOf(room.id).length === 4, 'then live');
    assert.deepEqual(again.eventsOf(room.id).map((event) => event.offset), [3, 4, 5, 6]);
    assert.deepEqual(again.eventsOf(other.id), [], 'a room the user is no member of is not followed');

    const bad = world.track(new Tab(world.url, { browser, rooms: { abc: 1 } }));
    const refusal = await new Promise<Error>((resolve) => bad.socket.once('connect_error', resolve));
    assert.match(refusal.message, /auth\.rooms/);
    bad.close();
  });

  test('general serves tutorial clients and room-protocol clients from one feed and the same offsets', async () => {
    const general = (await (await world.open()).must('room:list', {})).find((room) => room.name === 'general');
    assert.ok(general);
    const parley = await world.open();
    const joined = await parley.must('room:join', { roomId: general.id, after: general.head });
    // No auth.rooms: the tutorial's page.
    const page = tutorialClient(world.url, { transports: ['websocket'], serverOffset: joined.head });
    await connected(page);
    const viaTutorial = await page.emitWithAck('chat message', 'from the tutorial page', `${page.id}-0`);
    assert.ok(viaTutorial.ok);
    const viaRooms = await parley.send(general.id, 'from a parley client');
    const edit = await parley.must('message:edit', { roomId: general.id, target: viaRooms.serverOffset, text: 'edited', clientId: randomUUID() });
    await page.emitWithAck('chat message', 'after the edit', `${page.id}-1`);

    await parley.waitFor(() => parley.eventsOf(general.id).length >= 2, 'the parley client gets the tutorial messages');
    await parley.waitFor(() => page.deliveries.length >= 3, 'the tutorial page gets the messages');
    assert.deepEqual(
      page.deliveries.map((delivery) => [delivery.serverOffset, delivery.text]),
      [
        [viaTutorial.data.serverOffset, 'from the tutorial page'],
        [viaRooms.serverOffset, 'from a parley client'],
        [edit.serverOffset + 1, 'after the edit'],
      ],
      'the tutorial page gets messages only (no edits), with their offsets',
    );
    assert.deepEqual(
      parley.eventsOf(general.id).map((event) => [event.offset, event.kind, event.text]),
      [
        [viaTutorial.data.serverOffset, 'message', 'from the tutorial page'],
        [edit.serverOffset + 1, 'message', 'after the edit'],
      ],
    );
    assert.deepEqual(parley.tutorialMessages, [], 'a room-protocol client gets no tutorial events');
    page.close();
  });
});
