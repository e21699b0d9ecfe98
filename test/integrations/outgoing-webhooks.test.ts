import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, test } from 'node:test';
import type { OutgoingWebhookView, ParkedDeliveryView } from '../../src/shared/protocol/outgoing.js';
import type { RoomEvent } from '../../src/shared/events.js';
import { tabWorld } from '../helpers/world.js';
import { admin, OPERATOR_TOKEN } from './integration-http.js';
import { eventually, Receiver } from './receiver.js';

const world = tabWorld({
  workers: 2,
  env: {
    PARLEY_ADMIN_TOKENS: OPERATOR_TOKEN,
    // The receiver listens on loopback: the tests allow it (outgoing-ssrf.test.ts proves the default refuses it).
    PARLEY_WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8',
    PARLEY_WEBHOOK_POLL_MS: '100',
    PARLEY_WEBHOOK_BACKOFF_MS: '200',
    PARLEY_WEBHOOK_MAX_ATTEMPTS: '5',
  },
});

const receivers: Receiver[] = [];
after(async () => {
  for (const receiver of receivers) await receiver.stop();
});

async function receiver(): Promise<Receiver> {
  const started = await Receiver.start();
  receivers.push(started);
  return started;
}

async function createOutgoing(roomId: number, url: string, triggerWords: string[] = []): Promise<{ hook: OutgoingWebhookView; secret: string }> {
  const created = await admin(world.url, 'POST', 'outgoing-create', { roomId, name: 'echo', url, triggerWords });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  return created.body['data'] as { hook: OutgoingWebhookView; secret: string };
}

const roomName = (): string => `room-${randomUUID().slice(0, 8)}`;

describe('outgoing webhooks: each new message POSTed, signed, durable', () => {
  test('a message goes out signed with its event id; trigger words filter; the receiver’s {"text"} is posted as the hook, a bot', async () => {
    const person = await world.open();
    const room = await person.must('room:create', { name: roomName() });
    await person.send(room.id, 'before the hook: never sent');
    const target = await receiver();
    target.answer = (body) => ({ status: 200, body: JSON.stringify({ text: `echo: ${String(body['text'])}` }) });
    const { hook, secret } = await createOutgoing(room.id, target.url, ['!deploy']);
    target.expectSecret(secret);

    await person.send(room.id, 'just chatting');
    const sent = await person.send(room.id, '!DEPLOY web 42');
    await eventually(() => target.received.length >= 1, 'the trigger word message is delivered');
    const [delivery] = target.received;
    assert.ok(delivery);
    assert.equal(delivery.signedRight, true, 'HMAC-SHA256 over v1:<timestamp>:<body>');
    assert.match(delivery.signature, /^v1=[0-9a-f]{64}$/);
    assert.equal(delivery.eventId, `evt-${hook.id}-${room.id}-${sent.serverOffset}`);
    assert.deepEqual(
      [delivery.body['text'], delivery.body['trigger_word'], delivery.body['room_id'], delivery.body['offset'], delivery.body['webhook_id']],
      ['!DEPLOY web 42', '!deploy', room.id, sent.serverOffset, hook.id],
    );

    await person.waitFor(() => person.eventsOf(room.id).some((event) => event.text === 'echo: !DEPLOY web 42'), 'the reply arrives');
    const history = await person.must('history:before', { roomId: room.id });
    const reply = history.find((event: RoomEvent) => event.text.startsWith('echo:'));
    assert.deepEqual(reply?.author, { id: `o:${hook.id}`, name: 'echo', kind: 'bot' }, 'the reply is by the hook, marked as a bot');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(target.received.length, 1, 'neither the chatter, the old message nor the reply went out');
  });

  test('the receiver killed and restarted mid-stream: every message delivered, a duplicate carries the same event id', async () => {
    const person = await world.open();
    const room = await person.must('room:create', { name: roomName() });
    const target = await receiver();
    const { secret } = await createOutgoing(room.id, target.url);
    target.expectSecret(secret);

    const offsets: number[] = [];
    for (let index = 0; index < 10; index += 1) offsets.push((await person.send(room.id, `first ${index}`)).serverOffset);
    await eventually(() => target.received.length >= 3, 'some delivered before the kill');
    await target.stop();
    for (let index = 0; index < 10; index += 1) offsets.push((await person.send(room.id, `second ${index}`)).serverOffset);
    await new Promise((resolve) => setTimeout(resolve, 700));
    await target.listen();
    await eventually(() => target.eventIds().size >= offsets.length, 'every message delivered after the restart');

    const byOffset = new Map(target.received.map((entry) => [entry.body['offset'], entry]));
    for (const offset of offsets) assert.ok(byOffset.has(offset), `offset ${offset} delivered`);
    for (const entry of target.received) {
      assert.equal(entry.signedRight, true);
      assert.equal(entry.eventId, `evt-${String(entry.body['webhook_id'])}-${room.id}-${String(entry.body['offset'])}`, 'a redelivery repeats its event id');
    }
    const parked = await admin(world.url, 'GET', 'deliveries-parked');
    assert.deepEqual((parked.body['data'] as ParkedDeliveryView[]).filter((row) => row.roomId === room.id), [], 'nothing parked');
  });

  test('a receiver that keeps failing: parked after PARLEY_WEBHOOK_MAX_ATTEMPTS, listed for admins, retried by one', async () => {
    const person = await world.open();
    const room = await person.must('room:create', { name: roomName() });
    const target = await receiver();
    target.answer = () => ({ status: 500, body: 'down for maintenance' });
    const { hook, secret } = await createOutgoing(room.id, target.url);
    target.expectSecret(secret);
    const sent = await person.send(room.id, 'will be parked');

    const parkedOf = async (): Promise<ParkedDeliveryView[]> =>
      ((await admin(world.url, 'GET', 'deliveries-parked')).body['data'] as ParkedDeliveryView[]).filter((row) => row.hookId === hook.id);
    await eventually(async () => (await parkedOf()).length === 1, 'the delivery is parked');
    const [parked] = await parkedOf();
    assert.equal(target.received.length, 5, 'tried five times');
    assert.deepEqual([parked?.offset, parked?.attempts, parked?.lastError], [sent.serverOffset, 5, 'the receiver answered 500']);
    const gaps = target.received.slice(1).map((entry, index) => entry.timestamp - (target.received[index]?.timestamp ?? 0));
    assert.ok(gaps.every((gap) => gap >= 0), 'tried in order');

    target.answer = () => ({ status: 204, body: '' });
    const retried = await admin(world.url, 'POST', 'delivery-retry', { deliveryId: parked?.id });
    assert.deepEqual(retried.body['data'], { retried: true });
    await eventually(() => target.received.length === 6, 'the retry is delivered');
    await eventually(async () => (await parkedOf()).length === 0, 'no longer parked');
    const again = await admin(world.url, 'POST', 'delivery-retry', { deliveryId: parked?.id });
    assert.equal(again.status, 400, 'a delivered row cannot be retried');
  });

  test('a parked delivery discarded by an admin is gone for good, audited; a second discard and bad ids are refused', async () => {
    const person = await world.open();
    const room = await person.must('room:create', { name: roomName() });
    const target = await receiver();
    target.answer = () => ({ status: 500, body: 'down for maintenance' });
    const { hook, secret } = await createOutgoing(room.id, target.url);
    target.expectSecret(secret);
    await person.send(room.id, 'will be discarded');
    const parkedOf = async (): Promise<ParkedDeliveryView[]> =>
      ((await admin(world.url, 'GET', 'deliveries-parked')).body['data'] as ParkedDeliveryView[]).filter((row) => row.hookId === hook.id);
    await eventually(async () => (await parkedOf()).length === 1, 'the delivery is parked');
    const [parked] = await parkedOf();

    target.answer = () => ({ status: 204, body: '' });
    const discarded = await admin(world.url, 'POST', 'delivery-discard', { deliveryId: parked?.id });
    assert.deepEqual(discarded.body['data'], { discarded: true });
    assert.deepEqual(await parkedOf(), [], 'no longer listed');
    const tries = target.received.length;
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.equal(target.received.length, tries, 'never sent again');
    const again = await admin(world.url, 'POST', 'delivery-discard', { deliveryId: parked?.id });
    assert.equal(again.status, 400, 'a discarded row cannot be discarded again');
    for (const deliveryId of [0, -1, 'x', 1.5]) assert.equal((await admin(world.url, 'POST', 'delivery-discard', { deliveryId })).status, 400, `deliveryId ${String(deliveryId)}`);
    const retried = await admin(world.url, 'POST', 'delivery-retry', { deliveryId: parked?.id });
    assert.equal(retried.status, 400, 'nor retried');
    const audit = (await admin(world.url, 'GET', 'audit')).body['data'] as { action: string; detail: string }[];
    assert.ok(audit.some((entry) => entry.action === 'delivery-discard' && entry.detail === String(parked?.id)), 'in the audit log');
    const asPerson = await person.call('mod:delivery-discard', { deliveryId: parked?.id ?? 1 });
    assert.equal(asPerson.ok, false, 'a member may not');
  });

  test('admins only; bad URLs refused at creation; a revoked hook sends nothing more', async () => {
    const person = await world.open();
    const room = await person.must('room:create', { name: roomName() });
    const asPerson = await person.call('mod:outgoing', {});
    assert.equal(asPerson.ok, false);
    for (const url of ['ftp://example.com/', 'http://user:pw@example.com/', 'not a url', 'javascript:alert(1)']) {
      const refused = await admin(world.url, 'POST', 'outgoing-create', { roomId: room.id, name: 'bad', url });
      assert.equal(refused.status, 400, url);
    }
    const target = await receiver();
    const { hook } = await createOutgoing(room.id, target.url);
    const revoked = await admin(world.url, 'POST', 'outgoing-revoke', { hookId: hook.id });
    assert.deepEqual(revoked.body['data'], { revoked: true });
    await person.send(room.id, 'after the revoke');
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.equal(target.received.length, 0);
    const listed = (await admin(world.url, 'GET', 'outgoing')).body['data'] as OutgoingWebhookView[];
    const mine = listed.find((entry) => entry.id === hook.id);
    assert.ok(mine && mine.revokedAt !== null && !('secret' in mine), 'listed as revoked, without its secret');
  });
});
