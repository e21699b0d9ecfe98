import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { connected, tutorialClient } from '../helpers/clients.js';
import { startServer } from '../helpers/server.js';
import { pace } from '../helpers/waits.js';

const PRE_STOP_MS = 1500;

type Probe = { at: number; answer: number | 'refused'; node?: string };

/** Polls `/readyz` every 50 ms until the port is refused `refusedInRow` times in a row. */
async function probeUntilClosed(url: string, since: number): Promise<Probe[]> {
  const probes: Probe[] = [];
  for (let refusedInRow = 0; refusedInRow < 3; ) {
    const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
    if (response) {
      const body = (await response.json()) as { checks?: { node?: string } };
      probes.push({ at: Date.now() - since, answer: response.status, node: body.checks?.node });
      refusedInRow = 0;
    } else {
      probes.push({ at: Date.now() - since, answer: 'refused' });
      refusedInRow++;
    }
    await pace(50, 'the next /readyz poll');
  }
  return probes;
}

/**
 * Issue 22, item 7: at SIGTERM `/readyz` answers 503 ("draining") for PARLEY_PRE_STOP_MS
 * while the port still answers, and only then is the port closed and the node drained. On
 * the code before, `npm start`'s primary closed the port at once: the probe's connection was
 * refused and no 503 was ever seen.
 */
describe('readiness at SIGTERM: a pre-stop window', () => {
  for (const entry of ['cluster', 'main'] as const) {
    test(`${entry === 'cluster' ? 'npm start (cluster)' : 'node dist/main.js'}: 503 on a port that still answers, then closed, exit 0`, async (t) => {
      const server = await startServer({ entry, workers: 2, env: { PARLEY_PRE_STOP_MS: String(PRE_STOP_MS) } });
      t.after(() => server.stop('SIGKILL'));
      assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
      const client = tutorialClient(server.url, { transports: ['websocket'] });
      t.after(() => client.close());
      await connected(client);

      const signalledAt = Date.now();
      const exited = server.stop('SIGTERM');
      const probes = await probeUntilClosed(server.url, signalledAt);
      const code = await exited;
      const stoppedAfter = Date.now() - signalledAt;
      t.diagnostic(`${probes.map((probe) => `${probe.at} ms: ${probe.answer}`).join(', ')}; exited after ${stoppedAfter} ms`);

      assert.equal(code, 0, 'exits 0');
      const firstDraining = probes.find((probe) => probe.answer === 503);
      assert.ok(firstDraining, 'a probe saw 503 before the port closed');
      assert.equal(firstDraining.node, 'draining');
      // At once: a "ready" cached before the signal (results are shared for a second) is not served again.
      assert.ok(firstDraining.at <= 500, `503 at once (${firstDraining.at} ms)`);
      const firstRefused = probes.find((probe) => probe.answer === 'refused');
      assert.ok(firstRefused && firstRefused.at >= PRE_STOP_MS - 100, `the port stayed open for the window (closed at ${firstRefused?.at} ms)`);
      assert.ok(
        probes.filter((probe) => probe.at > firstDraining.at && probe.answer !== 'refused').every((probe) => probe.answer === 503),
        'never ready again once draining',
      );
    });
  }
});
