import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DeliveryChecker, readHistory, type CheckerClient } from '../helpers/checker.js';
import { eventually } from '../helpers/clients.js';
import { nginxAvailable, startNginx, type RunningNginx } from '../helpers/nginx.js';
import { skipUnlessNodesCanRun, startDeployment, type Deployment } from '../helpers/nodes.js';
import { skipUnlessAvailable } from '../helpers/services.js';
import { jitter } from '../helpers/waits.js';

const skip = skipUnlessAvailable('nginx', nginxAvailable(), 'apt-get install -y nginx') || (await skipUnlessNodesCanRun());

const CLIENTS = 48;
/** Per worker: the surviving node's two workers let 6 sessions in at once, then 6 a second, and hold none longer than 1 s. */
const ADMISSION = { PARLEY_ADMISSION_RATE: '3', PARLEY_ADMISSION_BURST: '3', PARLEY_ADMISSION_MAX_WAIT_MS: '1000' };

/** The node a connected client's session lives on, from its id (`<worker>.<node>.<random>`). */
const nodeOf = (client: CheckerClient): string | undefined => client.socket.io.engine?.id?.split('.')[1];

/** The sum of parley_admissions_total{outcome} on a node's metrics port. */
async function admissions(metricsUrl: string, outcome: string): Promise<number> {
  const text = await (await fetch(`${metricsUrl}/metrics`)).text();
  const series = new RegExp(`^parley_admissions_total\\{[^}]*outcome="${outcome}"[^}]*\\} (\\d+)$`, 'gm');
  return [...text.matchAll(series)].reduce((sum, match) => sum + Number(match[1]), 0);
}

/**
 * Issue 24, storms: a node killed with SIGKILL under chatting clients of both transports,
 * behind the shipped nginx. Its clients come back through nginx to the other node with
 * socket.io-client's jittered, capped back-off (src/shared/reconnect.ts: the checker's
 * clients run with those values, socket.io-client's defaults), where the admission pace
 * holds some and refuses others (503, Retry-After) so that they come back in turns; every
 * one resumes from its `serverOffset`, and every client ends with the whole history exactly
 * once, in order: nothing acknowledged lost, nothing duplicated.
 */
describe('a reconnect storm after a node is killed', { skip }, () => {
  let deployment: Deployment;
  let nginx: RunningNginx;
  before(async () => {
    deployment = await startDeployment({ nodes: 2, workers: 2, nodeIds: true, env: { ...ADMISSION, PARLEY_METRICS_PORT: '0' } });
    const [first, second] = deployment.ports();
    nginx = await startNginx([first ?? 0, second ?? 0]);
  });
  after(async () => {
    await nginx?.stop();
    await deployment?.close();
  });

  test(`${CLIENTS} clients on websocket and polling, node1 SIGKILLed mid-chat: all back through nginx, all caught up, exactly once`, async (t) => {
    const checker = new DeliveryChecker(nginx.url, {
      clients: CLIENTS,
      transports: (index) => (index % 2 === 0 ? ['websocket'] : ['polling']),
      selfSigned: true,
    });
    t.after(() => checker.closeAll());
    // The pace holds and refuses some of these too; back-off brings them in within seconds.
    await checker.connectAll();

    const sendRounds = async (rounds: number): Promise<void> => {
      await Promise.all(
        checker.clients.map(async (client) => {
          for (let round = 0; round < rounds; round++) {
            await checker.send(client);
            await jitter(30);
          }
        }),
      );
    };
    await sendRounds(3);
    const onKilled = checker.clients.filter((client) => nodeOf(client) === 'node1');
    const transportsOnKilled = new Set(onKilled.map((client) => client.socket.io.engine.transport.name));
    assert.ok(onKilled.length >= CLIENTS / 4, `nginx spread the clients (${onKilled.length} of ${CLIENTS} on node1)`);
    assert.deepEqual([...transportsOnKilled].sort(), ['polling', 'websocket'], 'both transports on the node to kill');

    const metricsUrl = metricsUrlOf(deployment, 1);
    const pacedBefore = (await admissions(metricsUrl, 'deferred')) + (await admissions(metricsUrl, 'refused'));
    const killedAt = Date.now();
    // Sends go on through the kill: node1's clients buffer theirs until they are back.
    const chatting = sendRounds(6);
    await jitter(200);
    await deployment.kill(0);
    await chatting;
    await eventually(() => checker.clients.every((client) => client.socket.connected), 'every client connected again', 40_000);
    const backAfter = Date.now() - killedAt;
    assert.ok(
      checker.clients.every((client) => nodeOf(client) === 'node2'),
      'every client is on the surviving node',
    );
    const paced = (await admissions(metricsUrl, 'deferred')) + (await admissions(metricsUrl, 'refused')) - pacedBefore;
    assert.ok(paced > 0, `the storm met the admission pace (${paced} handshakes deferred or refused)`);

    const acknowledged = checker.acknowledged();
    const unacknowledged = checker.clients.flatMap((client) => client.sends).filter((send) => send.ack?.ok !== true);
    assert.deepEqual(unacknowledged.map((send) => send.ackError ?? send.ack), [], 'every send acknowledged in the end (retries included)');
    const highest = Math.max(...acknowledged.map((send) => (send.ack?.ok ? send.ack.data.serverOffset : 0)));
    const history = await readHistory(nginx.url, highest, true);
    await checker.verify(history, 30_000);
    t.diagnostic(`${onKilled.length} clients (${[...transportsOnKilled].join(' and ')}) lost node1; all back and caught up ${(backAfter / 1000).toFixed(1)} s after the kill; ${paced} handshakes deferred or refused; ${acknowledged.length} messages, each delivered once to all ${CLIENTS}`);
  });
});

/** The URL of node `index`'s metrics port (PARLEY_METRICS_PORT=0 picks one and logs it). */
function metricsUrlOf(deployment: Deployment, index: number): string {
  const line = deployment.logs(index).find((entry) => entry.msg === 'metrics listening');
  const address = line?.['address'] as { port?: number } | undefined;
  if (address?.port === undefined) throw new Error(`node ${index} logged no metrics port`);
  return `http://127.0.0.1:${address.port}`;
}
