import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { OutgoingWebhookView } from '../../src/shared/protocol/outgoing.js';
import { skipUnlessNodesCanRun, startDeployment, type Deployment } from '../helpers/nodes.js';
import { newBrowser, Tab } from '../helpers/room-client.js';
import { admin, OPERATOR_TOKEN } from '../integrations/integration-http.js';
import { eventually, Receiver } from '../integrations/receiver.js';

const skip = await skipUnlessNodesCanRun();

/**
 * Issue 26, item 3 on two nodes (PostgreSQL and Redis, two workers each): four workers poll
 * one outbox, and each message is POSTed once whichever node stored it; with one node
 * killed mid-stream, the other delivers what is left.
 */
describe('outgoing webhooks across two nodes', { skip }, () => {
  let deployment: Deployment;
  let receiver: Receiver;
  const opened: { close(): void }[] = [];
  before(async () => {
    deployment = await startDeployment({
      nodes: 2,
      workers: 2,
      env: { PARLEY_ADMIN_TOKENS: OPERATOR_TOKEN, PARLEY_WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8', PARLEY_WEBHOOK_POLL_MS: '50', PARLEY_WEBHOOK_BACKOFF_MS: '200' },
    });
    receiver = await Receiver.start();
  });
  after(async () => {
    for (const socket of opened) socket.close();
    await deployment?.close();
    await receiver?.stop();
  });

  test('messages stored on either node are each delivered once; a node killed mid-stream loses none', async () => {
    const [a, b] = deployment.urls() as [string, string];
    const onA = await Tab.open(a, { browser: newBrowser() });
    const onB = await Tab.open(b, { browser: newBrowser() });
    opened.push(onA, onB);
    const room = await onA.must('room:create', { name: `room-${randomUUID().slice(0, 8)}` });
    await onB.must('room:join', { roomId: room.id });
    const created = await admin(a, 'POST', 'outgoing-create', { roomId: room.id, name: 'relay', url: receiver.url });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const { hook, secret } = created.body['data'] as { hook: OutgoingWebhookView; secret: string };
    receiver.expectSecret(secret);

    const offsets: number[] = [];
    for (let index = 0; index < 20; index += 1) {
      const tab = index % 2 === 0 ? onA : onB;
      offsets.push((await tab.send(room.id, `message ${index}`)).serverOffset);
    }
    await eventually(() => receiver.eventIds().size >= offsets.length, 'all twenty delivered');
    // Late rounds of the other workers would show up as repeats: give them time.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(receiver.received.length, offsets.length, 'each delivered once, by one of the four workers');
    assert.deepEqual(
      [...receiver.eventIds()].sort(),
      offsets.map((offset) => `evt-${hook.id}-${room.id}-${offset}`).sort(),
    );
    assert.ok(receiver.received.every((entry) => entry.signedRight));

    // Node A dies (kill -9) while B keeps storing; B delivers all of it.
    receiver.received.length = 0;
    await deployment.kill(0);
    const later: number[] = [];
    for (let index = 0; index < 10; index += 1) later.push((await onB.send(room.id, `after the kill ${index}`)).serverOffset);
    await eventually(() => later.every((offset) => receiver.eventIds().has(`evt-${hook.id}-${room.id}-${offset}`)), 'node B delivers after A died', 30_000);
  });
});
