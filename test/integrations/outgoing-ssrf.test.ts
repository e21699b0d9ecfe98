import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, test } from 'node:test';
import type { OutgoingWebhookView, ParkedDeliveryView } from '../../src/shared/protocol/outgoing.js';
import { AddressGuard } from '../../src/outgoing/address-guard.js';
import { tabWorld } from '../helpers/world.js';
import { admin, OPERATOR_TOKEN } from './integration-http.js';
import { eventually, Receiver } from './receiver.js';

/** PARLEY_WEBHOOK_ALLOWED_NETWORKS unset: the default, which refuses the operator's own network. */
const world = tabWorld({
  workers: 1,
  env: { PARLEY_ADMIN_TOKENS: OPERATOR_TOKEN, PARLEY_WEBHOOK_POLL_MS: '100', PARLEY_WEBHOOK_MAX_ATTEMPTS: '1' },
});

let receiver: Receiver | undefined;
after(async () => receiver?.stop());

describe('outgoing webhooks reach no loopback, private or link-local address by default', () => {
  test('127.0.0.1, localhost, [::1], 169.254.169.254, 10.x and [fd00::1] are refused before any connection, and parked', async () => {
    receiver = await Receiver.start();
    const person = await world.open();
    const room = await person.must('room:create', { name: `room-${randomUUID().slice(0, 8)}` });
    const port = receiver.port;
    const urls = [
      receiver.url,
      `http://localhost:${port}/hook`,
      `http://[::1]:${port}/hook`,
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.1/',
      'http://[fd00::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://0.0.0.0/',
    ];
    const hooks: OutgoingWebhookView[] = [];
    for (const url of urls) {
      const created = await admin(world.url, 'POST', 'outgoing-create', { roomId: room.id, name: 'probe', url });
      assert.equal(created.status, 200, JSON.stringify(created.body));
      hooks.push((created.body['data'] as { hook: OutgoingWebhookView }).hook);
    }
    await person.send(room.id, 'where does this go?');
    const parkedOf = async (): Promise<ParkedDeliveryView[]> =>
      ((await admin(world.url, 'GET', 'deliveries-parked')).body['data'] as ParkedDeliveryView[]).filter((row) => row.roomId === room.id);
    await eventually(async () => (await parkedOf()).length === urls.length, 'every delivery refused and parked');
    for (const row of await parkedOf()) assert.match(String(row.lastError), /refused address/, `hook ${row.hookId}: ${String(row.lastError)}`);
    assert.equal(receiver.received.length, 0, 'nothing reached the loopback receiver');
  });

  test('the guard: every address a name resolves to is checked; an allowed network opens only itself', () => {
    const closed = new AddressGuard([]);
    for (const address of ['127.0.0.1', '127.8.9.10', '::1', '169.254.169.254', '10.1.2.3', '172.16.0.1', '192.168.1.1', '100.64.0.1', 'fd12::1', 'fe80::1', '::', '0.0.0.0', '::ffff:10.0.0.1']) {
      assert.equal(closed.permits(address), false, address);
    }
    for (const address of ['93.184.216.34', '2606:2800:220:1::1', '8.8.8.8']) assert.equal(closed.permits(address), true, address);
    const loopback = new AddressGuard(['127.0.0.0/8']);
    assert.equal(loopback.permits('127.0.0.1'), true);
    assert.equal(loopback.permits('::ffff:127.0.0.1'), true, 'the mapped form of an allowed address');
    assert.equal(loopback.permits('169.254.169.254'), false, 'still refused');
    assert.equal(loopback.permits('::1'), false, 'IPv6 loopback is not in 127.0.0.0/8');
  });
});
