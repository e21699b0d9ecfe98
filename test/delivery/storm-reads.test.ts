import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connected, eventually, tutorialClient } from '../helpers/clients.js';
import { freePort, startServer } from '../helpers/server.js';

/** More than a room feed keeps in memory (2,048), so the oldest part of a catch-up must come from the store. */
const HISTORY = 2_600;
const RETURNING = 40;

/** parley_catch_up_reads_total{source}, summed over workers. */
async function catchUpReads(metricsPort: number, source: 'store' | 'shared'): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const series = new RegExp(`^parley_catch_up_reads_total\\{[^}]*source="${source}"[^}]*\\} (\\d+)$`, 'gm');
  return [...text.matchAll(series)].reduce((sum, match) => sum + Number(match[1]), 0);
}

/**
 * Issue 24, storms: clients that come back at once from the same offset, with history
 * older than the room feed keeps in memory, are caught up by shared store reads (one read
 * per batch, not one per client), counted in /metrics, and each gets the whole history
 * once, in order.
 */
test(`${RETURNING} clients back at once from offset 0 over ${HISTORY} messages: the store is read once per batch, not per client`, async (t) => {
  const metricsPort = await freePort();
  const server = await startServer({
    workers: 1,
    env: { PARLEY_METRICS_PORT: String(metricsPort), PARLEY_RATE_LIMIT: '100000', PARLEY_RATE_BURST: '100000' },
  });
  t.after(() => server.stop());
  const writer = tutorialClient(server.url, { transports: ['websocket'] });
  await connected(writer);
  for (let sent = 0; sent < HISTORY; sent += 100) {
    await Promise.all(Array.from({ length: 100 }, (_, i) => writer.emitWithAck('chat message', `history ${sent + i}`, `storm-read-${sent + i}`)));
  }
  writer.close();
  const before = { store: await catchUpReads(metricsPort, 'store'), shared: await catchUpReads(metricsPort, 'shared') };

  const returning = Array.from({ length: RETURNING }, () => tutorialClient(server.url, { transports: ['websocket'], serverOffset: 0 }));
  t.after(() => returning.forEach((client) => client.close()));
  await Promise.all(returning.map((client) => connected(client)));
  await eventually(() => returning.every((client) => client.deliveries.length >= HISTORY), `every client has all ${HISTORY} messages`, 60_000);

  const expected = Array.from({ length: HISTORY }, (_, i) => i + 1);
  for (const client of returning) assert.deepEqual(client.deliveries.map((delivery) => delivery.serverOffset), expected, 'the whole history once, in order');
  const store = (await catchUpReads(metricsPort, 'store')) - before.store;
  const shared = (await catchUpReads(metricsPort, 'shared')) - before.shared;
  // 600 messages (3 batches of 200) are older than the feed's memory: 120 reads unshared.
  assert.ok(store >= 1 && store <= 12, `store reads: ${store} (3 batches for ${RETURNING} clients)`);
  assert.ok(shared >= RETURNING, `reads shared: ${shared}`);
  t.diagnostic(`${RETURNING} clients caught up over ${HISTORY} messages with ${store} store reads and ${shared} shared`);
});
