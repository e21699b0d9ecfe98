import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DeliveryChecker, readHistory } from '../helpers/checker.js';
import { skipUnlessNodesCanRun, startDeployment, type Deployment } from '../helpers/nodes.js';
import { jitter } from '../helpers/waits.js';

const skip = await skipUnlessNodesCanRun();

/**
 * Two nodes (two workers each) on one PostgreSQL and one Redis are one chat: senders and
 * receivers spread over both nodes and both transports, with transport drops, and every
 * client receives the whole history exactly once, in order. Without Redis between the
 * nodes a message stored on one node never reaches the other node's live readers.
 */
describe('exactly-once delivery across two nodes', { skip }, () => {
  let deployment: Deployment;
  before(async () => {
    deployment = await startDeployment({ nodes: 2, workers: 2 });
  });
  after(async () => {
    await deployment?.close();
  });

  test('24 clients over 2 nodes x 2 workers, both transports, random disconnects', async (t) => {
    const checker = new DeliveryChecker(deployment.urls(), {
      clients: 24,
      transports: (index) => (index % 3 === 0 ? ['polling'] : index % 3 === 1 ? ['websocket'] : ['polling', 'websocket']),
    });
    t.after(() => checker.closeAll());
    await checker.connectAll();

    const startedAt = Date.now();
    const deadline = startedAt + 6000;
    let drops = 0;
    await Promise.all(
      checker.clients.map(async (client) => {
        for (let round = 0; round < 40 && Date.now() < deadline; round++) {
          await checker.send(client);
          if (Math.random() < 0.05) {
            drops++;
            client.socket.io.engine.close();
          }
          await jitter(20);
        }
      }),
    );
    const acknowledged = checker.acknowledged();
    const seconds = (Date.now() - startedAt) / 1000;
    assert.ok(drops > 3, `exercised reconnects (${drops})`);
    assert.ok(acknowledged.length > 300, `enough traffic (${acknowledged.length} acknowledged)`);
    const highest = Math.max(...acknowledged.map((send) => (send.ack?.ok ? send.ack.data.serverOffset : 0)));
    const history = await readHistory(deployment.urls()[1] ?? '', highest);
    await checker.verify(history);
    // Every message reached the other node's 12 readers too: half the deliveries crossed nodes.
    t.diagnostic(`${acknowledged.length} messages in ${seconds.toFixed(1)} s (${Math.round(acknowledged.length / seconds)}/s), each delivered to 12 readers on the other node`);
  });

  test('a steady stream from one node reaches live readers on the other within moments', async (t) => {
    const [first, second] = deployment.urls();
    const senders = new DeliveryChecker([first ?? ''], { clients: 8 });
    const readers = new DeliveryChecker([second ?? ''], { clients: 8, transports: (i) => (i % 2 ? ['polling'] : ['websocket']) });
    t.after(() => {
      senders.closeAll();
      readers.closeAll();
    });
    await Promise.all([senders.connectAll(), readers.connectAll()]);
    const base = readers.clients[0]?.socket.deliveries.length ?? 0;
    const startedAt = Date.now();
    await Promise.all(
      senders.clients.map(async (client) => {
        for (let round = 0; round < 60; round++) await senders.send(client);
      }),
    );
    const sent = senders.acknowledged().length;
    const reader = readers.clients[0]?.socket;
    assert.ok(reader);
    const highest = Math.max(...senders.acknowledged().map((send) => (send.ack?.ok ? send.ack.data.serverOffset : 0)));
    const history = await readHistory(second ?? '', highest);
    await readers.verify(history);
    const seconds = (Date.now() - startedAt) / 1000;
    t.diagnostic(`${sent} messages sent on node 0 reached 8 readers on node 1 (${history.length - base} new) in ${seconds.toFixed(1)} s: ${Math.round(sent / seconds)} msg/s`);
  });
});
