import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DeploymentStats } from '../../src/operations/deployment-stats.js';
import { connected, tutorialClient } from '../helpers/clients.js';
import { skipUnlessNodesCanRun, startDeployment } from '../helpers/nodes.js';
import { startServer } from '../helpers/server.js';

const TOKEN = 'admin-token-for-the-statistics-test';
const skipNodes = await skipUnlessNodesCanRun();
const auth = { authorization: `Bearer ${TOKEN}` };

/**
 * `GET /admin/api/stats`, asked until some worker answers within `withinMs` (the primary
 * hands each request to a worker in turn, and a stopped worker never answers its own).
 */
async function stats(url: string, withinMs: number): Promise<{ body: DeploymentStats; ms: number }> {
  for (let attempt = 0; attempt < 4; attempt++) {
    const started = Date.now();
    try {
      const response = await fetch(`${url}/admin/api/stats`, { headers: auth, signal: AbortSignal.timeout(withinMs) });
      assert.equal(response.status, 200);
      return { body: (await response.json()) as DeploymentStats, ms: Date.now() - started };
    } catch (error) {
      if (!(error instanceof Error) || error.name !== 'TimeoutError') throw error;
    }
  }
  throw new Error(`no worker answered within ${withinMs} ms, four times`);
}

/**
 * Issue 12, part 4: the deployment at a glance, gathered with serverSideEmit and
 * acknowledgements from every worker (and node): clients, sockets, rooms, messages a
 * second, event-loop delay, memory. A worker that does not answer in time is shown as
 * missing, and the request does not hang.
 */
describe('deployment statistics', () => {
  test('a 2-worker node: both workers, their clients; a stopped worker is shown missing within the timeout', async (t) => {
    const server = await startServer({ workers: 2, env: { PARLEY_ADMIN_TOKENS: TOKEN } });
    t.after(() => server.stop());
    assert.equal((await fetch(`${server.url}/admin/api/stats`)).status, 401);
    assert.equal((await fetch(`${server.url}/admin/api/stats`, { headers: { authorization: 'Bearer not-the-admin-token-at-all' } })).status, 401);

    const clients = Array.from({ length: 3 }, () => tutorialClient(server.url, { transports: ['websocket'] }));
    t.after(() => clients.forEach((client) => client.close()));
    await Promise.all(clients.map((client) => connected(client)));
    const first = await stats(server.url, 10_000);
    assert.deepEqual(first.body.servers.map((s) => s.worker), [0, 1]);
    assert.deepEqual(first.body.missing, []);
    assert.equal(first.body.totals.clients, 3);
    for (const s of first.body.servers) {
      assert.ok(s.memory.rssBytes > 0 && s.pid > 0 && s.workers === 2);
      assert.equal(typeof s.eventLoopDelayMs.p99, 'number');
    }

    const stoppedPid = first.body.servers.find((s) => s.worker === 1)?.pid ?? -1;
    process.kill(stoppedPid, 'SIGSTOP');
    try {
      const answer = await stats(server.url, 8000);
      assert.deepEqual(answer.body.missing, [{ node: first.body.servers[0]?.node, worker: 1 }], 'the stopped worker is missing');
      assert.deepEqual(answer.body.servers.map((s) => s.worker), [0]);
      assert.ok(answer.ms <= 7000, `answered in ${answer.ms} ms, within the 5 s gather timeout and its guard`);
    } finally {
      process.kill(stoppedPid, 'SIGCONT');
    }
  });

  test('the admin API is off unless tokens are configured', async (t) => {
    const server = await startServer({ workers: 1 });
    t.after(() => server.stop());
    assert.equal((await fetch(`${server.url}/admin/api/stats`, { headers: auth })).status, 404);
  });

  test('two nodes on PostgreSQL and Redis: every worker of both nodes answers', { skip: skipNodes }, async (t) => {
    const deployment = await startDeployment({ nodes: 2, workers: 2, env: { PARLEY_ADMIN_TOKENS: TOKEN } });
    t.after(() => deployment.close());
    const [first = ''] = deployment.urls();
    let body: DeploymentStats | undefined;
    // Servers that just started may not have met each other through Redis yet: ask again.
    for (let attempt = 0; attempt < 10 && (body?.servers.length ?? 0) < 4; attempt++) body = (await stats(first, 10_000)).body;
    assert.equal(body?.servers.length, 4, JSON.stringify(body?.servers.map((s) => [s.node, s.worker])));
    assert.equal(new Set(body?.servers.map((s) => s.node)).size, 2, 'both nodes');
    assert.deepEqual(body?.missing, []);
  });
});
