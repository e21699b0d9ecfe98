import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { SentMessage } from '../../src/shared/events.js';
import { openSocket, type ChatSocket } from '../helpers/clients.js';
import { skipUnlessNodesCanRun, startDeployment, type Deployment } from '../helpers/nodes.js';
import { newBrowser, Tab } from '../helpers/room-client.js';
import { admin, botApi, createBot, createWebhook, deliver, OPERATOR_TOKEN } from '../integrations/integration-http.js';

const skip = await skipUnlessNodesCanRun();

/**
 * Issue 26, items 1 and 2 on two nodes (PostgreSQL and Redis, two workers each): a bot made
 * on one node posts over HTTP there and is read on the other; a webhook delivery retried on
 * both nodes at once with one Idempotency-Key is stored once; a revocation on one node closes
 * the bot's socket on the other.
 */
describe('bots and webhooks across two nodes', { skip }, () => {
  let deployment: Deployment;
  const opened: { close(): void }[] = [];
  before(async () => {
    deployment = await startDeployment({ nodes: 2, workers: 2, env: { PARLEY_ADMIN_TOKENS: OPERATOR_TOKEN } });
  });
  after(async () => {
    for (const socket of opened) socket.close();
    await deployment?.close();
  });

  test('a bot made and posting on node A is read on node B; a delivery retried on both nodes is stored once; a revoke on A closes its socket on B', async () => {
    const [a, b] = deployment.urls() as [string, string];
    const person = await Tab.open(b, { browser: newBrowser() });
    opened.push(person);
    const room = await person.must('room:create', { name: `room-${randomUUID().slice(0, 8)}` });

    const { bot, token } = await createBot(a, `bot-${randomUUID().slice(0, 8)}`, [room.id]);
    const sent = await botApi(a, token, 'POST', 'send', { roomId: room.id, text: 'from node A' });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    const offset = (sent.body['data'] as SentMessage).serverOffset;
    await person.waitFor(() => person.eventsOf(room.id).some((event) => event.offset === offset && event.author.kind === 'bot'), 'node B delivers the bot message');

    const { path } = await createWebhook(b, room.id, 'ci');
    const key = randomUUID();
    const both = await Promise.all([a, b, a, b].map((url) => deliver(url, path, { text: 'once across nodes' }, { 'idempotency-key': key })));
    for (const answer of both) assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const offsets = new Set(both.map((answer) => (answer.body['data'] as SentMessage).serverOffset));
    assert.equal(offsets.size, 1, 'one offset for every attempt');
    assert.equal(both.filter((answer) => (answer.body['data'] as SentMessage).duplicate === false).length, 1, 'stored by one attempt');
    await person.waitFor(() => person.eventsOf(room.id).some((event) => event.text === 'once across nodes'), 'delivered');
    const history = await person.must('history:before', { roomId: room.id });
    assert.equal(history.filter((event) => event.text === 'once across nodes').length, 1, 'stored once');

    const socket: ChatSocket = openSocket(b, { auth: { token, rooms: {} }, reconnection: false });
    opened.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    const closed = new Promise<string>((resolve) => {
      socket.once('disconnect', resolve);
      setTimeout(() => resolve('still connected after 10 s'), 10_000).unref();
    });
    const revoked = await admin(a, 'POST', 'bot-revoke', { botId: bot.id });
    assert.equal(revoked.status, 200);
    assert.equal(await closed, 'io server disconnect', 'the socket on node B is closed by the revoke on node A');
    assert.equal((await botApi(b, token, 'GET', 'me')).status, 401, 'node B refuses the token too');
  });
});
