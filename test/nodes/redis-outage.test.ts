import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { DeliveryChecker, readHistory, readRoom, RoomChecker } from '../helpers/checker.js';
import { connected, eventually, tutorialClient } from '../helpers/clients.js';
import { skipUnlessNodesCanRun, startDeployment, type Deployment } from '../helpers/nodes.js';
import { redisServerAvailable, startOwnRedis } from '../helpers/redis-server.js';
import type { LogLine } from '../helpers/server.js';
import { skipUnlessAvailable } from '../helpers/services.js';
import { parsePrometheusText, type Sample } from '../operations/prometheus-text.js';
import { newBrowser, Tab } from '../helpers/room-client.js';
import { jitter, letTimePass, pace } from '../helpers/waits.js';

const skip = (await skipUnlessNodesCanRun()) || skipUnlessAvailable('redis-server', redisServerAvailable(), 'apt-get install -y redis-server');

/** How long Redis stays away: long enough for many reconnection attempts and many refused events of the old code. */
const OUTAGE_MS = 12_000;
const METRICS_TOKEN = 'metrics-token-for-the-outage-test';

type Transports = ('polling' | 'websocket')[];
const mixed = (index: number): Transports => (index % 3 === 0 ? ['polling'] : index % 3 === 1 ? ['websocket'] : ['polling', 'websocket']);

/** Sends with every tutorial client and every tab, one message after another each, until `stopped()`. */
function traffic(checker: DeliveryChecker, tabs: readonly Tab[], rooms: RoomChecker, roomId: number, stopped: () => boolean): Promise<void> {
  const tutorial = checker.clients.map(async (client) => {
    while (!stopped()) {
      await checker.send(client);
      await jitter(60, 40);
    }
  });
  const roomProtocol = tabs.map(async (tab) => {
    while (!stopped()) {
      await rooms.send(tab, roomId);
      await jitter(60, 60);
    }
  });
  return Promise.all([...tutorial, ...roomProtocol]).then(() => undefined);
}

interface ReadyAnswer {
  readonly status: number;
  readonly body: string;
}

async function readyz(url: string): Promise<ReadyAnswer> {
  try {
    const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5000) });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    return { status: 0, body: String(error) };
  }
}

async function scrape(port: number): Promise<Sample[]> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  assert.equal(response.status, 200);
  return parsePrometheusText(await response.text()).samples;
}

const valuesOf = (samples: readonly Sample[], name: string): number[] => samples.filter((sample) => sample.name === name).map((sample) => sample.value);

/** The port of node `index`'s metrics endpoint (PARLEY_METRICS_PORT=0 picks one; the node logs it). */
function metricsPort(deployment: Deployment, index: number): number {
  const line = deployment.logs(index).find((each) => each.msg === 'metrics listening');
  const port = (line?.['address'] as { port?: number } | undefined)?.port;
  return port ?? assert.fail(`node ${index} logged no metrics port`);
}

const at = (line: LogLine): number => (typeof line['time'] === 'number' ? line['time'] : 0);
const levelOf = (line: LogLine): number => (typeof line['level'] === 'number' ? line['level'] : 0);

/**
 * Issue 22, item 3 (and the first point of 16): Redis stopped for 12 s under two nodes on
 * PostgreSQL, with clients on both nodes chatting on both protocols. Each node keeps its
 * users chatting and admits new ones (the limits fall back to the node's own counters),
 * delivers to its own clients at once, says it is ready, and shows the degraded state in
 * its metrics and in one log line per change; once Redis is back every client has every
 * acknowledged message exactly once, in order.
 */
describe('a Redis outage under two nodes', { skip }, () => {
  test('every node keeps chatting, admits new clients and stays ready; nothing is lost or repeated when Redis is back', async (t: TestContext) => {
    const redis = await startOwnRedis();
    t.after(() => redis.close());
    const deployment = await startDeployment({
      nodes: 2,
      workers: 2,
      redisUrlOf: () => redis.url,
      env: { PARLEY_METRICS_PORT: '0', PARLEY_METRICS_TOKEN: METRICS_TOKEN },
    });
    t.after(() => deployment.close());
    const urls = deployment.urls();
    const [firstUrl = '', secondUrl = ''] = urls;

    const checker = new DeliveryChecker(urls, { clients: 8, transports: mixed });
    const tabs = [firstUrl, secondUrl, firstUrl, secondUrl].map((url, index) => new Tab(url, { browser: newBrowser(), retries: true, transports: mixed(index) }));
    const late: DeliveryChecker[] = [];
    const lateTabs: Tab[] = [];
    t.after(() => {
      checker.closeAll();
      for (const each of late) each.closeAll();
      for (const tab of [...tabs, ...lateTabs]) tab.close();
    });
    await checker.connectAll();
    await Promise.all(tabs.map((tab) => tab.waitFor(() => tab.socket.connected, 'tab connected')));
    const general = (await (tabs[0] ?? assert.fail()).must('room:list', {})).find((room) => room.name === 'general') ?? assert.fail('no general room');
    await Promise.all(tabs.map((tab) => tab.must('room:join', { roomId: general.id, after: 0 })));
    const rooms = new RoomChecker();

    let stopped = false;
    const sending = traffic(checker, tabs, rooms, general.id, () => stopped);
    await letTimePass(1500, 'traffic runs before the outage');
    const acksBefore = { tutorial: checker.acknowledged().length, rooms: rooms.acknowledged().length };
    assert.ok(acksBefore.tutorial > 10 && acksBefore.rooms > 5, `traffic flows before the outage (${JSON.stringify(acksBefore)})`);

    await redis.kill();
    const outageStart = Date.now();
    // Every half-second, each node's readiness: a load balancer must always have a node left.
    const readiness: ReadyAnswer[][] = [];
    let polling = true;
    const polled = (async () => {
      while (polling) {
        readiness.push(await Promise.all(urls.map(readyz)));
        await pace(500, 'the next /readyz poll');
      }
    })();

    await letTimePass(2000, 'traffic runs before the outage, /readyz polled');
    const acksEarly = { tutorial: checker.acknowledged().length, rooms: rooms.acknowledged().length };
    // New clients on both nodes, both protocols, admitted while Redis is away.
    const newcomers = new DeliveryChecker(urls, { clients: 2, transports: mixed });
    late.push(newcomers);
    await newcomers.connectAll();
    const newTabs = await Promise.all([firstUrl, secondUrl].map((url) => Tab.open(url, { browser: newBrowser(), retries: true })));
    lateTabs.push(...newTabs);
    for (const tab of newTabs) {
      await tab.must('room:join', { roomId: general.id, after: 0 });
      const online = await tab.call('presence:list', {});
      assert.equal(online.ok, true, `presence:list answers while Redis is away: ${JSON.stringify(online)}`);
    }

    // A node's own clients get a message at once: a probe on each node, heard by that node's other clients.
    const latencies: number[] = [];
    for (const [node, url] of urls.entries()) {
      const probe = tutorialClient(url, { transports: ['websocket'] });
      try {
        await connected(probe);
        const text = `probe-${node}-${Date.now()}`;
        const sentAt = Date.now();
        const ack = (await probe.timeout(5000).emitWithAck('chat message', text, `${probe.id}-probe`)) as { ok: boolean };
        assert.equal(ack.ok, true, `the probe on node ${node} is acknowledged while Redis is away`);
        const sameNode = checker.clients.filter((client) => client.index % urls.length === node);
        await eventually(
          () => sameNode.every((client) => client.socket.deliveries.some((delivery) => delivery.text === text)),
          `node ${node}'s clients hear its probe while Redis is away`,
          3000,
        );
        latencies.push(Date.now() - sentAt);
      } finally {
        probe.close();
      }
    }

    const metricsDuring = await Promise.all([0, 1].map((index) => scrape(metricsPort(deployment, index))));
    await letTimePass(Math.max(0, OUTAGE_MS - (Date.now() - outageStart)), 'the rest of the outage');
    const acksLate = { tutorial: checker.acknowledged().length, rooms: rooms.acknowledged().length };
    await redis.start();
    const outageEnd = Date.now();
    await letTimePass(3000, 'traffic runs after Redis is back');
    polling = false;
    await polled;
    stopped = true;
    await sending;

    // Acknowledgements kept coming throughout the outage, on both protocols.
    assert.ok(acksLate.tutorial > acksEarly.tutorial + 40, `tutorial messages acknowledged while Redis was away (${JSON.stringify({ acksEarly, acksLate })})`);
    assert.ok(acksLate.rooms > acksEarly.rooms + 20, `message:send acknowledged while Redis was away (${JSON.stringify({ acksEarly, acksLate })})`);
    const refused = [
      ...checker.clients.flatMap((client) => client.sends).filter((send) => send.ack !== undefined && !send.ack.ok).map((send) => send.ack),
      ...rooms.refused(),
    ];
    assert.deepEqual(refused, [], 'no message was refused');

    // Readiness says what each node can do itself: never no node left, and each ready at
    // (nearly) every poll (a store check can overrun its 2 s bound on a machine this busy).
    assert.ok(readiness.length > 10, 'readiness was polled throughout the outage');
    const noneReady = readiness.filter((answers) => answers.every((answer) => answer.status !== 200));
    assert.deepEqual(noneReady, [], 'a load balancer always had a node to send clients to');
    const readyShare = urls.map((_, node) => readiness.filter((answers) => answers[node]?.status === 200).length / readiness.length);
    assert.ok(readyShare.every((share) => share >= 0.9), `each node ready while Redis was away (share of polls: ${readyShare.join(', ')})`);
    assert.ok(
      readiness.some((answers) => answers.every((answer) => /"redis":"unreachable/.test(answer.body))),
      `readiness names Redis as unreachable: ${readiness[Math.floor(readiness.length / 2)]?.map((answer) => answer.body).join(' ')}`,
    );

    // The metrics show the degraded state, and what the node's own counters took over.
    for (const samples of metricsDuring) {
      const connectedGauges = valuesOf(samples, 'parley_redis_connected');
      assert.deepEqual(connectedGauges, [0, 0], 'each worker says it has no Redis');
      const fallbacks = valuesOf(samples, 'parley_limit_fallbacks_total').reduce((sum, value) => sum + value, 0);
      assert.ok(fallbacks > 0, `limits counted by the node itself while Redis was away (${fallbacks})`);
    }
    for (const index of [0, 1]) {
      const after = await scrape(metricsPort(deployment, index));
      assert.deepEqual(valuesOf(after, 'parley_redis_connected'), [1, 1], 'each worker has Redis again');
      const losses = valuesOf(after, 'parley_redis_disconnections_total').reduce((sum, value) => sum + value, 0);
      assert.equal(losses, 2, 'the loss is counted once per worker');
    }

    // Once Redis is back: every client has every acknowledged message exactly once, in order.
    const history = await readHistory(secondUrl, Math.max(0, ...checker.acknowledged().map((send) => (send.ack?.ok ? send.ack.data.serverOffset : 0))));
    await checker.verify(history);
    await newcomers.verify(history);
    const followers = new Map([[general.id, [...tabs, ...newTabs]]]);
    await rooms.verify([...tabs, ...newTabs], followers, new Map([[general.id, await readRoom(newTabs[0] ?? assert.fail(), general.id)]]));

    // The log: one line per change of state per process, not one per event.
    for (const index of [0, 1]) {
      const lines = deployment.logs(index);
      const lost = lines.filter((line) => line.msg === 'redis unreachable; this node serves its own clients alone');
      const back = lines.filter((line) => line.msg === 'redis connection back; repairing what was missed meanwhile');
      assert.equal(lost.length, 2, `node ${index}: one line per worker when Redis went away`);
      assert.equal(back.length, 2, `node ${index}: one line per worker when Redis came back`);
      const during = lines.filter((line) => at(line) >= outageStart && at(line) <= outageEnd && levelOf(line) >= 40);
      const bytes = during.reduce((sum, line) => sum + JSON.stringify(line).length, 0);
      t.diagnostic(`node ${index} during the outage: ${bytes} bytes: ${during.map((line) => `${String(line.msg)} ${JSON.stringify(line['counts'] ?? line['reason'] ?? '')}`).join(' | ')}`);
      assert.ok(during.length <= 16 && bytes < 16_000, `node ${index}: ${during.length} warnings (${bytes} bytes) in a ${OUTAGE_MS} ms outage: ${JSON.stringify(during.map((line) => line.msg))}`);
    }
    t.diagnostic(
      `${checker.acknowledged().length + rooms.acknowledged().length} acknowledged, ${acksLate.tutorial - acksBefore.tutorial + acksLate.rooms - acksBefore.rooms} while Redis was away; ` +
        `probe heard on its node in ${latencies.join(', ')} ms; ${readiness.length} readiness polls, ready at ${readyShare.map((share) => `${Math.round(share * 100)} %`).join(' and ')} of them`,
    );
  });
});
