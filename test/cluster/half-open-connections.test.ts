import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connected, eventually, tutorialClient } from '../helpers/clients.js';
import { get, openRaw } from '../helpers/raw-connections.js';
import { startServer } from '../helpers/server.js';
import { letTimePass, pace } from '../helpers/waits.js';

/** The node's cap on pending connections, lowered from 1,024 to keep the test quick. */
const MAX_PENDING = 256;
const ATTACK_ADDRESSES = 32;
/** Each attacking address holds its share of the cap: 32 × 8 fill it. */
const PER_ADDRESS = MAX_PENDING / ATTACK_ADDRESSES;
/** A shed connection is replaced this soon: the attacker keeps the cap full. */
const RENEW_MS = 10;
const ATTACK_MS = 9000;

test('half-open connections from many addresses fill the pending cap; /healthz, a long-polling chat and a new client go on', async (t) => {
  const server = await startServer({
    workers: 2,
    env: { PARLEY_MAX_PENDING_CONNECTIONS: String(MAX_PENDING), PARLEY_MAX_PENDING_PER_ADDRESS: String(PER_ADDRESS) },
  });
  t.after(() => server.stop());
  // An established long-polling session: every poll and every message is a new HTTP request,
  // so a new TCP connection through the primary's pending queue.
  const poller = tutorialClient(server.url, { transports: ['polling'] });
  t.after(() => poller.close());
  await connected(poller);
  let drops = 0;
  poller.on('disconnect', () => (drops += 1));

  // The attacker: 32 addresses (127.0.0.10 to .41) each holding 8 connections that never
  // finish their request line, each replaced as soon as it is closed, until the attack ends.
  const attackEnds = Date.now() + ATTACK_MS;
  let opened = 0;
  let shed = 0;
  const holdOne = async (address: string): Promise<void> => {
    while (Date.now() < attackEnds) {
      const connection = openRaw(server.port, address);
      opened += 1;
      connection.socket.write('GET /?never-finished');
      await Promise.race([connection.closed, letTimePass(attackEnds - Date.now(), 'the attack ends')]);
      if (connection.received.startsWith('HTTP/1.1 503')) shed += 1;
      connection.socket.destroy();
      await pace(RENEW_MS, 'the attacker opens the next connection');
    }
  };
  const addresses = Array.from({ length: ATTACK_ADDRESSES }, (_, index) => `127.0.0.${10 + index}`);
  const attack = Promise.all(addresses.flatMap((address) => Array.from({ length: PER_ADDRESS }, () => holdOne(address))));
  await letTimePass(1000, 'the attack takes hold');

  // Meanwhile, from 127.0.0.1: the health check every 100 ms, a message from the long-polling
  // client every 300 ms, and one new client.
  const health: number[] = [];
  const healthChecks = (async () => {
    while (Date.now() < attackEnds - 500) {
      health.push(await get(`${server.url}/healthz`).then((answer) => answer.status, () => 0));
      await pace(100, 'the next health check');
    }
  })();
  const acks: boolean[] = [];
  const sent: string[] = [];
  const chat = (async () => {
    for (let index = 0; Date.now() < attackEnds - 1500; index++) {
      const text = `during the attack ${index}`;
      sent.push(text);
      const ack = (await poller.timeout(15_000).emitWithAck('chat message', text, `${poller.id}-${index}`).catch(() => ({ ok: false }))) as { ok: boolean };
      acks.push(ack.ok);
      await pace(300, 'the next message');
    }
  })();
  const newcomer = tutorialClient(server.url, { transports: ['polling', 'websocket'] });
  t.after(() => newcomer.close());
  const newcomerConnected = connected(newcomer, 5000).then(() => true, () => false);

  await Promise.all([healthChecks, chat]);
  await attack;

  const failedHealth = health.filter((status) => status !== 200).length;
  t.diagnostic(`${opened} attacking connections, ${shed} shed with a 503; /healthz ${health.length - failedHealth}/${health.length} answered 200; ${acks.filter(Boolean).length}/${acks.length} messages acknowledged; poller dropped ${drops} times`);
  // The attack was real: the cap was full, and kept full by renewals.
  assert.ok(shed > 0, 'pending connections were shed, so the cap was full');
  assert.ok(health.length >= 30, `${health.length} health checks during the attack`);
  // Never shed: 127.0.0.1 holds at most a handful of pending connections at a time, while a
  // full cap leaves some attacking address at least 8; only the fullest address is shed.
  assert.equal(failedHealth, 0, `/healthz failed ${failedHealth} of ${health.length} times`);
  assert.equal(await newcomerConnected, true, 'a new client connected during the attack');
  assert.equal(drops, 0, 'the long-polling client was never dropped');
  assert.ok(acks.length >= 10 && acks.every(Boolean), `acknowledgements: ${acks.join(',')}`);
  await eventually(() => sent.every((text) => poller.deliveries.some((delivery) => delivery.text === text)), 'the poller received every message it sent');
});
