import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Ack } from '../../src/shared/errors.js';
import type { SentMessage } from '../../src/shared/events.js';
import { connected, tutorialClient } from '../helpers/clients.js';
import { redisUrl, skipUnlessNodesCanRun, startDeployment, type Deployment } from '../helpers/nodes.js';
import { signedSessionId } from '../helpers/session-cookies.js';
import { runUntilExit } from '../helpers/server.js';
import { postgresHarness } from '../store/harness.js';

const skip = await skipUnlessNodesCanRun();

describe('limits across nodes', { skip }, () => {
  let deployment: Deployment;
  before(async () => {
    // A user may send 20 messages per 10 s over all of their connections (twice the burst).
    deployment = await startDeployment({ nodes: 2, workers: 2, env: { PARLEY_RATE_LIMIT: '1', PARLEY_RATE_BURST: '10' } });
  });
  after(async () => {
    await deployment?.close();
  });

  test("one user's messages over connections on two nodes share one budget", async (t) => {
    // A cookie the deployment signed: one browser, so one guest user on every connection.
    const cookie = `parley_session=${signedSessionId()}`;
    const sockets = [0, 1, 0, 1].map((node) => tutorialClient(deployment.urls()[node] ?? '', { transports: ['websocket'], extraHeaders: { cookie } }));
    t.after(() => sockets.forEach((socket) => socket.close()));
    await Promise.all(sockets.map((socket) => connected(socket)));
    // Each connection alone may send 10 at once: 40 in all, were the user's budget per node.
    const acks = await Promise.all(
      sockets.flatMap((socket, index) =>
        Array.from({ length: 10 }, (_, n) => socket.timeout(10_000).emitWithAck('chat message', `limit ${index}.${n}`, `${socket.id}-${n}`) as Promise<Ack<SentMessage>>),
      ),
    );
    const accepted = acks.filter((ack) => ack.ok).length;
    const refused = acks.filter((ack) => !ack.ok && ack.error === 'RATE_LIMITED').length;
    t.diagnostic(`accepted ${accepted}, refused ${refused} of 40`);
    assert.equal(accepted + refused, 40, 'every send is accepted or rate limited');
    // The budget is 20; leases (one point per worker here) may overspend by a few.
    assert.ok(accepted >= 18 && accepted <= 24, `about the user's budget of 20 was accepted (${accepted})`);
  });
});

/** Starts `dist/cluster.js` with `env`; resolves with its exit code and output, or null if it is still running after `ms`. */
const startAndWait = (env: Record<string, string>, ms: number) => runUntilExit('cluster.js', { PARLEY_WORKERS: '1', ...env }, ms);

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('configuration checked at start', { skip }, () => {
  test('Redis with SQLite is refused, naming both variables', async () => {
    const { code, output } = await startAndWait({ PARLEY_DATABASE_URL: 'sqlite:/tmp/never-created.db', PARLEY_REDIS_URL: redisUrl }, 10_000);
    assert.notEqual(code, 0);
    assert.match(output, /PARLEY_REDIS_URL[^\n]*PARLEY_DATABASE_URL/);
  });

  test('an unreachable Redis stops the start within seconds, naming it', async (t) => {
    const harness = await postgresHarness();
    t.after(() => harness.dispose());
    const { code, output, elapsedMs } = await startAndWait({ PARLEY_DATABASE_URL: harness.databaseUrl, PARLEY_REDIS_URL: `redis://127.0.0.1:${await closedPort()}` }, 10_000);
    assert.equal(code, 1, output);
    assert.match(output, /PARLEY_REDIS_URL: cannot reach Redis at 127\.0\.0\.1:\d+/);
    assert.ok(elapsedMs < 5000, `stopped in ${elapsedMs} ms`);
  });

  test('an unreachable database stops the start within seconds, naming it', async () => {
    const { code, output, elapsedMs } = await startAndWait({ PARLEY_DATABASE_URL: `postgres://postgres@127.0.0.1:${await closedPort()}/parley`, PARLEY_REDIS_URL: redisUrl }, 10_000);
    assert.equal(code, 1, output);
    assert.match(output, /PARLEY_DATABASE_URL: cannot open the database/);
    assert.ok(elapsedMs < 5000, `stopped in ${elapsedMs} ms`);
  });
});
