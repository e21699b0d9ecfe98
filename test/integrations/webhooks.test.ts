import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import type { RoomEvent, SentMessage } from '../../src/shared/events.js';
import { tabWorld } from '../helpers/world.js';
import { admin, createWebhook, deliver, OPERATOR_TOKEN } from './integration-http.js';

const world = tabWorld({
  workers: 2,
  env: {
    PARLEY_ADMIN_TOKENS: OPERATOR_TOKEN,
    // Small enough to reach in a test: wrong secrets per address, deliveries per webhook.
    PARLEY_LIMITS: JSON.stringify({ 'integration-auth.address': { points: 6, seconds: 600 }, 'webhook.hook': { points: 40, seconds: 600 } }),
  },
});

const roomName = (): string => `room-${randomUUID().slice(0, 8)}`;

describe('incoming webhooks: a URL per room with a secret', () => {
  test('a Slack-shaped body becomes a message of its room, by a bot; username is shown; a retried Idempotency-Key is stored once', async () => {
    const person = await world.open();
    const room = await person.must('room:create', { name: roomName() });
    const { webhook, path } = await createWebhook(world.url, room.id, 'ci');
    assert.match(path, new RegExp(`^/hooks/${webhook.id}/[A-Za-z0-9_-]{32}$`));

    const first = await deliver(world.url, path, { text: 'deploy 7 started', username: 'deployer', channel: '#ignored' }, { 'idempotency-key': 'delivery-7' });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const stored = first.body['data'] as SentMessage;
    // The sender timed out and sends again (the same delivery), twice, at once.
    const retries = await Promise.all([1, 2].map(() => deliver(world.url, path, { text: 'deploy 7 started', username: 'deployer' }, { 'idempotency-key': 'delivery-7' })));
    for (const retry of retries) assert.deepEqual(retry.body['data'], { serverOffset: stored.serverOffset, duplicate: true });
    const plain = await deliver(world.url, path, { text: 'deploy 7 done' });
    assert.equal(plain.status, 200);
    const form = await fetch(`${world.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ payload: JSON.stringify({ text: 'from a form' }) }).toString(),
    });
    assert.equal(form.status, 200, 'the form older Slack senders post');
    const curlDashD = await fetch(`${world.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: JSON.stringify({ text: 'from curl -d' }),
    });
    assert.equal(curlDashD.status, 200, 'JSON that curl -d labels a form');

    await person.waitFor(() => person.eventsOf(room.id).length >= 4, 'the person sees the deliveries');
    const history = await person.must('history:before', { roomId: room.id });
    assert.deepEqual(
      history.map((event: RoomEvent) => [event.text, event.author]),
      [
        ['deploy 7 started', { id: `w:${webhook.id}`, name: 'deployer', kind: 'bot' }],
        ['deploy 7 done', { id: `w:${webhook.id}`, name: 'ci', kind: 'bot' }],
        ['from a form', { id: `w:${webhook.id}`, name: 'ci', kind: 'bot' }],
        ['from curl -d', { id: `w:${webhook.id}`, name: 'ci', kind: 'bot' }],
      ],
      'stored once each, in order, marked as a bot',
    );
  });

  test('hostile senders: wrong secret, unknown id, bad bodies, oversize, a revoked hook; wrong secrets are charged to the address', async () => {
    const person = await world.open();
    const room = await person.must('room:create', { name: roomName() });
    const { webhook, path } = await createWebhook(world.url, room.id, 'alerts');

    const badJson = await deliver(world.url, path, '{"text": "unterminated');
    assert.deepEqual([badJson.status, badJson.body['error']], [400, 'INVALID_PAYLOAD']);
    const noText = await deliver(world.url, path, { username: 'x' });
    assert.equal(noText.status, 400);
    assert.match(String(noText.body['message']), /text/, 'names the field');
    const empty = await deliver(world.url, path, { text: '' });
    assert.equal(empty.status, 400);
    // PARLEY_MAX_MESSAGE_LENGTH is 4,000 by default: the body is within its limit, the text is not.
    const tooLong = await deliver(world.url, path, { text: 'x'.repeat(4_001) });
    assert.equal(tooLong.body['error'], 'MESSAGE_TOO_LONG');
    const oversize = await deliver(world.url, path, { text: 'x'.repeat(3_000_000) });
    assert.equal(oversize.status, 413, 'refused before it is read');
    const get = await fetch(`${world.url}${path}`);
    assert.equal(get.status, 405);
    const longKey = await deliver(world.url, path, { text: 'k' }, { 'idempotency-key': 'k'.repeat(300) });
    assert.equal(longKey.status, 400);

    const secret = path.split('/')[3] ?? '';
    const wrong = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    const answers: number[] = [];
    answers.push((await deliver(world.url, `/hooks/${webhook.id}/${wrong}`, { text: 'guess' })).status);
    answers.push((await deliver(world.url, `/hooks/999999/${secret}`, { text: 'guess' })).status);
    answers.push((await deliver(world.url, `/hooks/${webhook.id}`, { text: 'guess' })).status);
    assert.deepEqual(answers, [403, 403, 403], 'one answer for a wrong secret and an unknown hook');

    const revoked = await admin(world.url, 'POST', 'webhook-revoke', { webhookId: webhook.id });
    assert.deepEqual(revoked.body, { ok: true, data: { revoked: true } });
    assert.equal((await deliver(world.url, path, { text: 'after revoke' })).status, 403, 'a revoked hook is refused');
    const listed = await admin(world.url, 'GET', 'webhooks');
    assert.ok(!JSON.stringify(listed.body).includes(secret), 'the secret is shown once, at creation');

    // 6 refusals per address here: four spent above, the rest and then 429.
    const more: number[] = [];
    for (let index = 0; index < 3; index++) more.push((await deliver(world.url, `/hooks/${webhook.id}/${wrong}`, { text: 'guess' })).status);
    assert.deepEqual(more, [403, 403, 429]);

    const history = await person.must('history:before', { roomId: room.id });
    assert.equal(history.length, 0, 'nothing refused was stored');
    const audit = await admin(world.url, 'GET', 'audit?limit=50');
    const actions = (audit.body['data'] as { action: string; target: string | null }[]).filter((entry) => entry.target === `w:${webhook.id}`).map((entry) => entry.action);
    assert.deepEqual(actions, ['webhook-revoke', 'webhook-create']);
  });

  test('only admins make webhooks and bots; a member is refused over the socket', async () => {
    const person = await world.open();
    const room = await person.must('room:create', { name: roomName() });
    const refused = await person.call('mod:webhook-create' as 'room:list', { roomId: room.id, name: 'mine' });
    assert.deepEqual([refused.ok, !refused.ok && refused.error], [false, 'FORBIDDEN']);
    const bot = await person.call('mod:bot-create' as 'room:list', { name: 'mybot', rooms: [room.id] });
    assert.deepEqual([bot.ok, !bot.ok && bot.error], [false, 'FORBIDDEN']);
  });
});
