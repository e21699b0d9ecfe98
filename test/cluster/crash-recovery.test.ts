import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeliveryChecker, readHistory, type CheckerClient } from '../helpers/checker.js';
import { eventually } from '../helpers/clients.js';
import { startServer } from '../helpers/server.js';
import { jitter, letTimePass } from '../helpers/waits.js';


/** Keeps every client sending, one message in flight each, until `until()` says stop. */
function keepSending(checker: DeliveryChecker, until: () => boolean): Promise<void[]> {
  return Promise.all(
    checker.clients.map(async (client: CheckerClient) => {
      while (!until()) {
        await checker.send(client);
        await jitter(10, 5);
      }
    }),
  );
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const highestAcknowledged = (checker: DeliveryChecker): number =>
  Math.max(0, ...checker.acknowledged().map((send) => (send.ack?.ok ? send.ack.data.serverOffset : 0)));

test('kill -9 of one worker mid-traffic: its clients reconnect and nothing is lost, repeated or reordered', async (t) => {
  const server = await startServer({ workers: 2 });
  t.after(() => server.stop('SIGKILL'));
  const checker = new DeliveryChecker(server.url, { clients: 16, transports: (i) => (i % 2 ? ['polling', 'websocket'] : ['websocket']) });
  t.after(() => checker.closeAll());
  await checker.connectAll();

  let stop = false;
  const traffic = keepSending(checker, () => stop);
  await letTimePass(800, 'traffic runs before the crash');
  const [victim] = server.workerPids();
  assert.ok(victim);
  process.kill(victim, 'SIGKILL');
  await server.waitForLog((line) => line.msg === 'worker ready' && line['workerPid'] !== victim && server.workerPids().length >= 3);
  await letTimePass(1500, 'traffic runs after the replacement is ready');
  stop = true;
  await traffic;

  const history = await readHistory(server.url, highestAcknowledged(checker));
  await checker.verify(history, 30_000);
  assert.ok(checker.acknowledged().length > 100, 'traffic flowed');
});

test('kill -9 of a worker three times over under full traffic: the primary stays up, nothing is lost, repeated or reordered', async (t) => {
  // The primary sends each worker the replies to its writes and every other worker's new
  // messages, so under traffic it may write to a worker that was just killed before it
  // notices the death: that write fails (EPIPE), which once took the primary down (seen
  // in CI, in the test above; too rare to reproduce on demand).
  const server = await startServer({ workers: 2 });
  t.after(() => server.stop('SIGKILL'));
  const checker = new DeliveryChecker(server.url, { clients: 12 });
  t.after(() => checker.closeAll());
  await checker.connectAll();

  let stop = false;
  const traffic = Promise.all(
    checker.clients.map(async (client: CheckerClient) => {
      while (!stop) await checker.send(client);
    }),
  );
  for (let kill = 0; kill < 3; kill++) {
    await letTimePass(400, 'traffic runs between two crashes');
    const victim = server.workerPids().find((pid) => isAlive(pid));
    assert.ok(victim);
    process.kill(victim, 'SIGKILL');
    await server.waitForLog((line) => line.msg === 'worker ready' && line['workerPid'] !== victim && server.workerPids().filter(isAlive).length >= 2);
    assert.ok(isAlive(server.pid), `the primary is still running after kill ${kill + 1}`);
  }
  stop = true;
  await traffic;
  assert.ok(isAlive(server.pid), 'the primary is still running');
  const history = await readHistory(server.url, highestAcknowledged(checker));
  await checker.verify(history, 30_000);
});

test('kill -9 of the whole server and a restart: every acknowledged message survives and is delivered once', async (t) => {
  const first = await startServer({ workers: 2 });
  t.after(() => first.stop('SIGKILL'));
  const checker = new DeliveryChecker(first.url, { clients: 10 });
  t.after(() => checker.closeAll());
  await checker.connectAll();

  let stop = false;
  const traffic = keepSending(checker, () => stop);
  await letTimePass(1000, 'traffic runs before the stop');
  // Every process of the server at once, as a power cut would.
  for (const pid of [first.pid, ...first.workerPids()]) process.kill(pid, 'SIGKILL');
  const acknowledgedBeforeCrash = checker.acknowledged().map((send) => send.text);
  assert.ok(acknowledgedBeforeCrash.length > 50, 'traffic flowed before the crash');

  // Same database file, same port: the clients reconnect by themselves and resume.
  const second = await startServer({ workers: 2, databaseFile: first.databaseFile, env: { PORT: String(first.port) } });
  t.after(() => second.stop());
  await eventually(() => checker.clients.every((client) => client.socket.connected), 'clients reconnect', 20_000);
  await letTimePass(1000, 'traffic runs after the restart');
  stop = true;
  await traffic;

  const history = await readHistory(second.url, highestAcknowledged(checker));
  const stored = new Set(history.map((delivery) => delivery.text));
  for (const text of acknowledgedBeforeCrash) assert.ok(stored.has(text), `acknowledged before the crash: ${text}`);
  await checker.verify(history, 30_000);
});

test('SIGTERM mid-traffic: in-flight messages are stored and acknowledged, exit status 0', async (t) => {
  const server = await startServer({ workers: 2 });
  t.after(() => server.stop('SIGKILL'));
  const checker = new DeliveryChecker(server.url, { clients: 10 });
  t.after(() => checker.closeAll());
  await checker.connectAll();
  let stop = false;
  const traffic = keepSending(checker, () => stop);
  await letTimePass(700, 'traffic runs before the crash');
  const exitCode = await server.stop('SIGTERM');
  assert.equal(exitCode, 0);
  const acknowledged = checker.acknowledged().map((send) => send.text);

  const restarted = await startServer({ workers: 2, databaseFile: server.databaseFile, env: { PORT: String(server.port) } });
  t.after(() => restarted.stop());
  await eventually(() => checker.clients.every((client) => client.socket.connected), 'clients reconnect', 20_000);
  await letTimePass(500, 'traffic runs after the restart');
  stop = true;
  await traffic;
  const history = await readHistory(restarted.url, highestAcknowledged(checker));
  const stored = new Set(history.map((delivery) => delivery.text));
  for (const text of acknowledged) assert.ok(stored.has(text), `acknowledged before SIGTERM: ${text}`);
  await checker.verify(history, 30_000);
});

test('a second SIGTERM during shutdown changes nothing: still exit 0, database intact', async () => {
  const server = await startServer({ workers: 2 });
  process.kill(server.pid, 'SIGTERM');
  process.kill(server.pid, 'SIGTERM');
  assert.equal(await server.stop('SIGTERM'), 0);
  const again = await startServer({ workers: 1, databaseFile: server.databaseFile });
  assert.equal(await again.stop(), 0);
});
