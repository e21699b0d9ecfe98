import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { skipUnlessNodesCanRun, startDeployment, type Deployment } from '../helpers/nodes.js';
import { newBrowser, Tab } from '../helpers/room-client.js';

const skip = await skipUnlessNodesCanRun();

/**
 * Issue 25, item 1: a thread reply made on one node is a room event on the other (two nodes
 * of two workers on one PostgreSQL and one Redis): live, in the thread's summary and in the
 * follower's "Threads" counts there.
 */
describe('threads across two nodes', { skip }, () => {
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

  test('a reply on node 0 reaches a follower on node 1 once, and counts there as unread in the thread', async () => {
    const [ana, ben] = [await tabOn(0), await tabOn(1)];
    const room = await ana.must('room:create', { name: `threads-${randomUUID().slice(0, 8)}` });
    await ben.must('room:join', { roomId: room.id });
    const root = await ben.send(room.id, 'a question from node 1');
    const reply = await ana.reply(room.id, root.serverOffset, 'an answer from node 0');
    await ben.waitFor(() => ben.eventsOf(room.id).some((event) => event.offset === reply.serverOffset), 'node 1 gets the reply');
    assert.deepEqual(
      ben.eventsOf(room.id).filter((event) => event.offset === reply.serverOffset).map((event) => [event.kind, event.target, event.text]),
      [['message', root.serverOffset, 'an answer from node 0']],
      'exactly once, naming its root',
    );
    const [followed] = await ben.must('thread:list', {});
    assert.deepEqual([followed?.root.offset, followed?.replies, followed?.unread], [root.serverOffset, 1, 1], 'the root’s author follows the thread');
    const page = await ben.must('history:before', { roomId: room.id });
    assert.equal(page.find((event) => event.offset === root.serverOffset)?.thread?.replies, 1);
  });
});
