import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { skipUnlessNodesCanRun, startDeployment, type Deployment } from '../helpers/nodes.js';
import { following, listEventually, newBrowser, noticesAbout, openTab, until, userIdOf, type Tab as PresenceTab } from '../presence/tabs.js';
import { Tab as RoomTab } from '../helpers/room-client.js';
import { quietFor } from '../helpers/waits.js';

const skip = await skipUnlessNodesCanRun();
/** Longer than the leave grace plus a look: a notice that was coming has come by then. */
const SETTLE_MS = 3500;

/**
 * Two nodes (two workers each) on one PostgreSQL and one Redis are one chat for every
 * feature that crosses servers: presence lists and notices, typing, rooms, direct rooms.
 * Without Redis each node would be a chat of its own and every assertion here fails.
 */
describe('two nodes are one chat', { skip }, () => {
  let deployment: Deployment;
  const opened: { close(): void }[] = [];
  const url = (node: number): string => deployment.urls()[node] ?? '';
  const presenceTab = async (browser: string, node: number): Promise<PresenceTab> => {
    const tab = await openTab(url(node), browser, 'any');
    opened.push(tab);
    await following(tab);
    return tab;
  };
  const roomTab = async (browser: string, node: number): Promise<RoomTab> => {
    const tab = await RoomTab.open(url(node), { browser });
    opened.push(tab);
    return tab;
  };
  let observer: PresenceTab;

  before(async () => {
    deployment = await startDeployment({ nodes: 2, workers: 2 });
    const browser = newBrowser();
    observer = await presenceTab(browser, 0);
    await until(() => noticesAbout(observer, userIdOf(browser)).includes('joined@1'), 'the observer sees itself join', 10_000);
  });
  after(async () => {
    for (const tab of opened) tab.close();
    await deployment?.close();
  });

  test('presence: tabs on both nodes are one user, listed everywhere, announced once each way', async () => {
    const alice = newBrowser();
    const aliceId = userIdOf(alice);
    const onOther = await presenceTab(alice, 1);
    const onSame = await presenceTab(alice, 0);
    await until(() => noticesAbout(observer, aliceId).includes('joined@1'), 'alice joins, seen from the other node');
    const seenFromNode1 = await listEventually(onOther.socket, undefined, (ids) => ids.includes(userIdOf(alice)), 'node 1 lists alice');
    assert.equal(seenFromNode1.filter((id) => id === aliceId).length, 1, 'one entry for two tabs on two nodes');
    await listEventually(onOther.socket, 1, (ids) => ids.length >= 2, "node 1 lists the observer of node 0 in the room");
    await quietFor(SETTLE_MS, 'a notice that was coming');
    onSame.close();
    await quietFor(SETTLE_MS, 'a leave for a tab closed while another stays');
    assert.deepEqual(noticesAbout(observer, aliceId), ['online@all', 'joined@1'], 'one tab closed: still online');
    onOther.close();
    await until(() => noticesAbout(observer, aliceId).includes('offline@all'), 'alice goes offline');
    await quietFor(SETTLE_MS, 'a second left or offline');
    assert.deepEqual(noticesAbout(observer, aliceId), ['online@all', 'joined@1', 'left@1', 'offline@all']);
    await listEventually(observer.socket, undefined, (ids) => !ids.includes(aliceId), 'alice is off the list');
  });

  test('read receipts cross nodes; turned off on one node, the user’s tabs on the other are left out', async () => {
    const bobBrowser = newBrowser();
    const [ann, bob] = [await roomTab(newBrowser(), 0), await roomTab(bobBrowser, 1)];
    const room = await ann.must('room:create', { name: `receipts-${Date.now()}` });
    await bob.must('room:join', { roomId: room.id });
    const first = await ann.send(room.id, 'read me');
    const annSaw: number[] = [];
    ann.socket.on('room:receipt', (receipt) => annSaw.push(receipt.offset));
    await bob.must('read:mark', { roomId: room.id, offset: first.serverOffset });
    await until(() => annSaw.includes(first.serverOffset), "ann on node 0 sees bob's receipt from node 1");
    assert.deepEqual((await ann.must('receipts:get', { roomId: room.id })).receipts.map((receipt) => receipt.offset), [first.serverOffset]);

    const bobOnNode0 = await roomTab(bobBrowser, 0);
    await bobOnNode0.must('room:join', { roomId: room.id });
    const bobSaw: number[] = [];
    bobOnNode0.socket.on('room:receipt', (receipt) => bobSaw.push(receipt.offset));
    await bob.must('receipts:set', { enabled: false });
    const second = await bob.send(room.id, 'read me too');
    await ann.must('read:mark', { roomId: room.id, offset: second.serverOffset });
    await quietFor(1000, "ann's receipt reaching bob's tab on node 0");
    assert.deepEqual(bobSaw, [], "turned off on node 1, bob's tab on node 0 is sent no receipt");
  });

  test('typing crosses nodes and never reaches the typist’s own tabs', async () => {
    const typist = newBrowser();
    const typing = await presenceTab(typist, 1);
    const ownTabElsewhere = await presenceTab(typist, 0);
    const ack = await typing.socket.timeout(10_000).emitWithAck('typing', { roomId: 1, typing: true });
    assert.ok((ack as { ok: boolean }).ok);
    await until(() => observer.typing.some((entry) => entry.user.id === userIdOf(typist) && entry.typing), 'the observer on node 0 sees the typing');
    await quietFor(300, 'typing reaching the typist');
    assert.deepEqual(ownTabElsewhere.typing, [], 'not to the typist’s own tab on the other node');
  });

  test('rooms and direct rooms: created on one node, joined and written on the other', async () => {
    const [alice, bob] = [newBrowser(), newBrowser()];
    const aliceTab = await roomTab(alice, 0);
    const bobTab = await roomTab(bob, 1);
    const bobElsewhere = await roomTab(bob, 0);
    const room = await aliceTab.must('room:create', { name: `nodes-${Date.now()}` });
    await bobTab.must('room:join', { roomId: room.id });
    await aliceTab.send(room.id, 'from node 0');
    await bobTab.send(room.id, 'from node 1');
    // A tab is not sent back its own messages (its acknowledgement carries the offset).
    await aliceTab.waitFor(() => aliceTab.eventsOf(room.id).length === 1, "alice on node 0 gets bob's");
    await bobTab.waitFor(() => bobTab.eventsOf(room.id).length === 1, "bob on node 1 gets alice's");
    await bobElsewhere.must('room:join', { roomId: room.id });
    await bobElsewhere.waitFor(() => bobElsewhere.eventsOf(room.id).length === 2, "bob's other tab catches up both");
    assert.deepEqual(bobElsewhere.eventsOf(room.id).map((event) => event.text), ['from node 0', 'from node 1']);

    const bobUser = await bobTab.whoAmI();
    const direct = await aliceTab.must('dm:open', { userId: bobUser.id });
    // dm:open puts every tab of both users in the room, on whichever node each is.
    for (const tab of [bobTab, bobElsewhere]) await tab.waitFor(() => tab.added.some((added) => added.id === direct.id), 'bob hears of the direct room on both nodes');
    await bobTab.must('room:join', { roomId: direct.id });
    await aliceTab.send(direct.id, 'psst');
    await bobTab.waitFor(() => bobTab.eventsOf(direct.id).length === 1, 'the direct message crosses nodes');
  });
});
