import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DeliveryChecker, readHistory } from '../helpers/checker.js';
import { eventually } from '../helpers/clients.js';
import { nginxAvailable, startNginx } from '../helpers/nginx.js';
import { skipUnlessNodesCanRun, startDeployment } from '../helpers/nodes.js';
import { skipUnlessAvailable } from '../helpers/services.js';
import { jitter, letTimePass } from '../helpers/waits.js';

const skip = (await skipUnlessNodesCanRun()) || skipUnlessAvailable('nginx', nginxAvailable(), 'apt-get install -y nginx');
const DRAIN_MS = 3000;

/**
 * Issue 12, part 6: a rolling restart. SIGTERM drains one node of two under traffic: its
 * clients are told to reconnect a random share at a time over PARLEY_DRAIN_MS (no
 * thundering herd), reconnect through nginx to the other node, and lose nothing; the node
 * finishes its writes and exits 0; started again, it takes clients again.
 */
describe('rolling restart', { skip }, () => {
  test('SIGTERM drains a node under traffic: clients move in jittered batches, nothing lost, exit 0', async (t) => {
    const deployment = await startDeployment({ nodes: 2, workers: 2, nodeIds: true, env: { PARLEY_DRAIN_MS: String(DRAIN_MS) } });
    t.after(() => deployment.close());
    const [first, second] = deployment.ports();
    const nginx = await startNginx([first ?? 0, second ?? 0]);
    t.after(() => nginx.stop());
    // WebSocket clients, whose moment of leaving is the server's to choose.
    const checker = new DeliveryChecker(nginx.url, { clients: 24, transports: () => ['websocket'], selfSigned: true });
    t.after(() => checker.closeAll());
    await checker.connectAll();
    const nodeOf = (index: number): string | undefined => checker.clients[index]?.socket.io.engine.id?.split('.')[1];
    const leaving = checker.clients.filter((client) => nodeOf(client.index) === 'node1');
    assert.ok(leaving.length >= 4, `clients on the node to restart (${leaving.length})`);
    const leftAt: number[] = [];
    for (const client of leaving) client.socket.once('disconnect', () => void leftAt.push(Date.now()));

    let stopped = false;
    const sending = Promise.all(
      checker.clients.map(async (client) => {
        while (!stopped) {
          await checker.send(client);
          await jitter(30, 20);
        }
      }),
    );
    await letTimePass(1000, 'traffic runs before the stop');
    const signalledAt = Date.now();
    const draining = deployment.node(0);
    const exitCode = await deployment.stop(0);
    const stoppedAt = Date.now();
    await letTimePass(1000, 'traffic runs on the other worker after the stop');
    stopped = true;
    await sending;

    // Whatever made a node exit otherwise is in its errors and its stderr: say it.
    const why = () =>
      [...draining.logs().filter((line) => Number(line['level']) >= 50).map((line) => JSON.stringify(line)), draining.stderr().slice(-4000)].join('\n');
    assert.equal(exitCode, 0, `the drained node exits 0; its errors:\n${exitCode === 0 ? '' : why()}`);
    assert.equal(leftAt.length, leaving.length, 'every client of the node was told to go');
    const spread = Math.max(...leftAt) - Math.min(...leftAt);
    t.diagnostic(`left at ${leftAt.map((at) => at - signalledAt).sort((a, b) => a - b).join(', ')} ms after SIGTERM`);
    assert.ok(spread >= DRAIN_MS * 0.5, `the clients left over ${spread} ms of the ${DRAIN_MS} ms window, not at once`);
    const firstSecond = leftAt.filter((at) => at - signalledAt < DRAIN_MS / 10).length;
    assert.ok(firstSecond <= Math.ceil(leaving.length / 4), `${firstSecond} of ${leaving.length} left in the first tenth of the window`);
    await eventually(() => checker.clients.every((client) => client.socket.connected && nodeOf(client.index) === 'node2'), 'every client on node2', 20_000);
    const history = await readHistory(nginx.url, Math.max(0, ...checker.acknowledged().map((send) => (send.ack?.ok ? send.ack.data.serverOffset : 0))), true);
    await checker.verify(history);

    // Back in the rotation: the restarted node takes new sessions again.
    await deployment.start(0);
    t.diagnostic(`${leaving.length} clients left over ${spread} ms; the node stopped ${stoppedAt - signalledAt} ms after SIGTERM; ${checker.acknowledged().length} acknowledged`);
  });
});
