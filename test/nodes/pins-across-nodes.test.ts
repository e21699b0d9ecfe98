import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { skipUnlessNodesCanRun, startDeployment, type Deployment } from '../helpers/nodes.js';
import { newBrowser, Tab } from '../helpers/room-client.js';

const skip = await skipUnlessNodesCanRun();

/**
 * Issue 25, item 5: a pin made on one node is a room event on the other (two nodes of two
 * workers on one PostgreSQL and one Redis): live, once, and in `room:pins` there.
 */
describe('pins across two nodes', { skip }, () => {
  let deployment: Deployment;
  const opened: Tab[] = [];
  const tabOn = async (node: number): Promise<Tab> => {
    const tab = await Tab.open(deployment.urls()[node] ?? '', { browser: newBrowser() });
    opened.push(tab);
    return tab;
  };

  before(async () => {
    deployment = await startDeployment({ nodes: 2, workers: 2 });
  });
  after(async () => {
    for (const tab of opened) tab.close();
    await deployment?.close();
  });

  test('a pin and an unpin on node 0 reach a follower on node 1 live, once each, and its list there', async () => {
    const [ana, ben] = [await tabOn(0), await tabOn(1)];
    const room = await ana.must('room:create', { name: `pins-${randomUUID().slice(0, 8)}` });
    await ben.must('room:join', { roomId: room.id });
    const message = await ben.send(room.id, 'the meeting link, from node 1');
    const pin = await ana.must('message:pin', { roomId: room.id, target: message.serverOffset, clientId: randomUUID() });
    await ben.waitFor(() => ben.eventsOf(room.id).some((event) => event.offset === pin.serverOffset), 'node 1 gets the pin');
    assert.deepEqual(
      ben.eventsOf(room.id).filter((event) => event.offset === pin.serverOffset).map((event) => [event.kind, event.target]),
      [['pin', message.serverOffset]],
      'exactly once, naming the message',
    );
    const [listed] = await ben.must('room:pins', { roomId: room.id });
    assert.deepEqual([listed?.message.offset, listed?.message.text, listed?.pinOffset], [message.serverOffset, 'the meeting link, from node 1', pin.serverOffset]);
    const unpin = await ana.must('message:unpin', { roomId: room.id, target: message.serverOffset, clientId: randomUUID() });
    await ben.waitFor(() => ben.eventsOf(room.id).some((event) => event.offset === unpin.serverOffset && event.kind === 'unpin'), 'node 1 gets the unpin');
    assert.deepEqual(await ben.must('room:pins', { roomId: room.id }), []);
  });
});
