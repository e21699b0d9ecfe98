import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { connected, tutorialClient } from '../helpers/clients.js';
import { postgresServerAvailable, startOwnPostgres, type OwnPostgres } from '../helpers/postgres-server.js';
import { freePort, runUntilExit, startServer } from '../helpers/server.js';
import { skipUnlessAvailable } from '../helpers/services.js';
import { TEST_SESSION_SECRET } from '../helpers/session-cookies.js';
import { parsePrometheusText, total } from './prometheus-text.js';

const skip = skipUnlessAvailable('a PostgreSQL server of the test\'s own', postgresServerAvailable(), 'apt-get install -y postgresql');


/** `runUntilExit` with the test's session secret. */
const startAndWait = (entry: 'cluster.js' | 'main.js', env: Record<string, string>, ms: number) => runUntilExit(entry, { PARLEY_SESSION_SECRET: TEST_SESSION_SECRET, ...env }, ms);

/**
 * Issue 22, item 5: a node's PostgreSQL connections are (workers + 1) × PARLEY_PG_POOL_SIZE,
 * checked at start against the server's max_connections, and their use is measured. Against
 * a PostgreSQL of the test's own with max_connections 20 (17 for a role that is not a
 * superuser, 3 being reserved).
 */
describe('PostgreSQL connections of a node', { skip }, () => {
  let postgres: OwnPostgres;
  before(async () => {
    postgres = await startOwnPostgres({ max_connections: '20' });
  });
  after(async () => {
    await postgres?.close();
  });

  test('a node that may open more connections than the server allows is refused, with both numbers', async () => {
    // 2 workers + the primary, 8 each (the default): 24 > 17.
    const { code, output } = await startAndWait('cluster.js', { PARLEY_DATABASE_URL: postgres.url, PARLEY_WORKERS: '2' }, 15_000);
    assert.equal(code, 1, output);
    assert.match(output, /PARLEY_PG_POOL_SIZE: this node may open 24 PostgreSQL connections \(\(2 workers \+ 1 primary\) × 8\), more than the 17 the server allows it \(max_connections 20, 3 of them reserved for superusers\)/);
    // A lone process counts one pool.
    const single = await startAndWait('main.js', { PARLEY_DATABASE_URL: postgres.url, PARLEY_PG_POOL_SIZE: '18' }, 15_000);
    assert.equal(single.code, 1, single.output);
    assert.match(single.output, /may open 18 PostgreSQL connections \(\(1 process\) × 18\), more than the 17/);
  });

  test('within the budget it starts, never holds more than (workers + 1) × pool size, and reports its waits', async (t) => {
    const metricsPort = await freePort();
    // 2 workers + the primary with 1 connection each: 3. A new visitor reads nothing at connect
    // (issue 24) and messages are written by the primary's writer, so the burst is of reads:
    // every client lists its rooms at once and must queue for the one connection of its worker.
    const server = await startServer({
      workers: 2,
      env: { PARLEY_DATABASE_URL: postgres.url, PARLEY_PG_POOL_SIZE: '1', PARLEY_METRICS_PORT: String(metricsPort) },
    });
    t.after(() => server.stop());
    const clients = Array.from({ length: 30 }, () => tutorialClient(server.url, { transports: ['websocket'] }));
    t.after(() => clients.forEach((client) => client.close()));
    await Promise.all(clients.map((client) => connected(client)));
    const acks = await Promise.all(clients.map((client, index) => client.timeout(10_000).emitWithAck('chat message', `pooled ${index}`, `p-${index}`)));
    assert.equal(acks.length, 30);
    const lists = await Promise.all(clients.map((client) => client.timeout(10_000).emitWithAck('room:list', {})));
    assert.ok(lists.every((list) => (list as { ok: boolean }).ok), 'every room list answered');

    const admin = new pg.Client({ connectionString: postgres.adminUrl });
    await admin.connect();
    t.after(() => admin.end());
    const { rows } = await admin.query<{ held: number }>("SELECT count(*)::int AS held FROM pg_stat_activity WHERE usename = 'parley'");
    assert.ok((rows[0]?.held ?? 99) <= 3, `the node holds ${rows[0]?.held} connections, at most 3`);

    const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    assert.equal(response.status, 200);
    const { samples } = parsePrometheusText(await response.text());
    const waits = total(samples, 'parley_pg_pool_wait_seconds_count');
    t.diagnostic(`${waits} checkouts of the workers waited for a connection`);
    assert.ok(waits > 0, 'the burst waited for the one connection, and the metric says so');
    assert.ok(samples.some((sample) => sample.name === 'parley_pg_pool_connections' && sample.labels['state'] === 'busy'), 'the workers report their pools');
    assert.ok(samples.some((sample) => sample.name === 'parley_pg_pool_waiting'), 'and the checkouts queued now');
    assert.ok(samples.some((sample) => sample.name === 'parley_writer_pg_pool_connections' && sample.labels['state'] === 'idle'), 'the primary its writer\'s');
  });
});
