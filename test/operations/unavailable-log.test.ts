import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test, type TestContext } from 'node:test';
import { postgresUrl } from '../store/harness.js';
import { skipUnlessNodesCanRun, startDeployment } from '../helpers/nodes.js';
import { startTcpProxy, throughProxy } from '../helpers/tcp-proxy.js';
import { parsePrometheusText } from '../operations/prometheus-text.js';
import { newBrowser, Tab } from '../helpers/room-client.js';
import { pace } from '../helpers/waits.js';

const METRICS_TOKEN = 'metrics-token-for-the-unavailable-test';
const NOT_SERVED = 'events not served: storage or limits unavailable, or shutting down; counted until served again';

/**
 * Issue 22, item 16 (first point): events refused because what the server depends on is
 * away (here PostgreSQL, cut off by a proxy) are counted in a metric and logged once per
 * change of state, never one warning with a stack per event.
 */
describe('events not served while the store is away', { skip: await skipUnlessNodesCanRun() }, () => {
  test('are one log line when they start, one when they end, and a counter', async (t: TestContext) => {
    const proxy = await startTcpProxy(Number(new URL(postgresUrl).port || 5432));
    t.after(() => proxy.close());
    const deployment = await startDeployment({
      nodes: 1,
      workers: 1,
      env: { PARLEY_METRICS_PORT: '0', PARLEY_METRICS_TOKEN: METRICS_TOKEN },
      databaseUrlVia: throughProxy(proxy),
    });
    t.after(() => deployment.close());
    const [url = ''] = deployment.urls();
    const tab = await Tab.open(url, { browser: newBrowser() });
    t.after(() => tab.close());
    const general = (await tab.must('room:list', {})).find((room) => room.name === 'general') ?? assert.fail('no general room');
    await tab.must('room:join', { roomId: general.id, after: 0 });
    await tab.send(general.id, 'before the cut');

    proxy.cut();
    const answers = [];
    for (let index = 0; index < 40; index++) answers.push(await tab.call('message:send', { roomId: general.id, text: `during the cut ${index}`, clientId: randomUUID() }));
    const unavailable = answers.filter((answer) => !answer.ok && answer.error === 'UNAVAILABLE').length;
    assert.ok(unavailable >= 20, `sends refused as UNAVAILABLE while the store is away (${unavailable} of 40: ${JSON.stringify(answers.slice(0, 3))})`);
    proxy.restore();
    // The run of failures ends once events are served again and none failed for a while.
    const deadline = Date.now() + 30_000;
    while (!deployment.logs(0).some((line) => line.msg === 'events served again') && Date.now() < deadline) {
      await tab.call('message:send', { roomId: general.id, text: 'after the cut', clientId: randomUUID() });
      await pace(500, 'the next try');
    }

    const lines = deployment.logs(0);
    const naming = lines.filter((line) => JSON.stringify(line).includes('StoreUnavailableError'));
    assert.ok(naming.length <= 1, `${naming.length} log lines name the store's failure for ${unavailable} refused events: ${JSON.stringify(naming.map((line) => line.msg))}`);
    assert.equal(lines.filter((line) => line.msg === NOT_SERVED).length, 1, 'one line when events stopped being served');
    const ended = lines.filter((line) => line.msg === 'events served again');
    assert.equal(ended.length, 1, 'one line when they were served again');
    assert.ok(Number(ended[0]?.['notServed']) >= unavailable, `it counts what was not served (${JSON.stringify(ended[0])})`);
    const withStacks = lines.filter((line) => JSON.stringify(line).includes('StoreUnavailableError') && JSON.stringify(line).includes('    at '));
    assert.deepEqual(withStacks, [], 'no refused event logged its stack');

    const metricsLine = lines.find((line) => line.msg === 'metrics listening');
    const port = (metricsLine?.['address'] as { port?: number } | undefined)?.port ?? assert.fail('no metrics port');
    const response = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    const counted = parsePrometheusText(await response.text())
      .samples.filter((sample) => sample.name === 'parley_events_unavailable_total' && sample.labels['event'] === 'message:send')
      .reduce((sum, sample) => sum + sample.value, 0);
    assert.ok(counted >= unavailable, `parley_events_unavailable_total counts them (${counted})`);
  });
});
