import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { io } from 'socket.io-client';
import { connected, tutorialClient } from '../helpers/clients.js';
import { freePort, startServer, type RunningServer } from '../helpers/server.js';

const RATE = 5;
const MAX_WAIT_MS = 1000;

/** One engine.io long-polling handshake: its status, Retry-After, body, and how long the answer took. */
async function pollingHandshake(url: string): Promise<{ status: number; retryAfter: string | null; body: string; ms: number }> {
  const startedAt = performance.now();
  const response = await fetch(`${url}/socket.io/?EIO=4&transport=polling`);
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.text(), ms: performance.now() - startedAt };
}

/** A direct WebSocket handshake (no polling first): the status line and headers it is answered with. */
function websocketHandshake(port: number): Promise<{ status: number; retryAfter: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request({
      host: '127.0.0.1',
      port,
      path: '/socket.io/?EIO=4&transport=websocket',
      headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
    });
    request.once('upgrade', (response, socket) => {
      socket.destroy();
      resolve({ status: response.statusCode ?? 0, retryAfter: undefined, body: '' });
    });
    request.once('response', (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.once('end', () => resolve({ status: response.statusCode ?? 0, retryAfter: response.headers['retry-after'], body }));
    });
    request.once('error', reject);
    request.end();
  });
}

/**
 * Issue 24, storms: each worker lets new sessions in at PARLEY_ADMISSION_RATE. A burst of
 * handshakes beyond it is held for its turn (deferred), and those whose turn is further off
 * than PARLEY_ADMISSION_MAX_WAIT_MS are refused at once with 503 and Retry-After, on both
 * transports, with the reason in the body; /metrics counts each outcome. Sessions already
 * open keep chatting meanwhile.
 */
describe('the admission pace of new sessions', () => {
  let server: RunningServer;
  let metricsPort: number;
  before(async () => {
    metricsPort = await freePort();
    server = await startServer({
      workers: 1,
      env: {
        PARLEY_ADMISSION_RATE: String(RATE),
        PARLEY_ADMISSION_MAX_WAIT_MS: String(MAX_WAIT_MS),
        // A fixed pace: the counts below are the pacer's, not the event loop's (admission-governor.test.ts).
        PARLEY_ADMISSION_LAG_MS: '0',
        PARLEY_METRICS_PORT: String(metricsPort),
        // Every handshake here comes from one address: its own limit is not what is tested.
        PARLEY_LIMITS: JSON.stringify({ 'connections.address': { points: 100_000, seconds: 10 } }),
      },
    });
  });
  after(async () => {
    await server.stop();
  });

  /** parley_admissions_total{outcome}, summed over workers (read by line: a fresh primary's event-loop gauges may still say Nan). */
  const admissions = async (outcome: string): Promise<number> => {
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const series = new RegExp(`^parley_admissions_total\\{[^}]*outcome="${outcome}"[^}]*\\} (\\d+)$`, 'gm');
    return [...text.matchAll(series)].reduce((sum, match) => sum + Number(match[1]), 0);
  };

  test('a burst is let in at the pace: the first at once, the next held for their turn, the rest refused 503 with Retry-After', async () => {
    // A session already open before the storm; it keeps chatting through it.
    const chatter = tutorialClient(server.url, { transports: ['websocket'] });
    await connected(chatter);
    // Its turn spent the first of the burst; wait for the pace to give it back.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const before = { refused: await admissions('refused'), deferred: await admissions('deferred'), immediate: await admissions('immediate') };

    const storm = await Promise.all(Array.from({ length: 30 }, () => pollingHandshake(server.url)));
    const ack = await chatter.timeout(2000).emitWithAck('chat message', 'still here', 'admission-1');
    chatter.close();

    const admitted = storm.filter((answer) => answer.status === 200);
    const refused = storm.filter((answer) => answer.status === 503);
    assert.equal(admitted.length + refused.length, storm.length, `every handshake admitted or refused: ${storm.map((a) => a.status).join(',')}`);
    // The burst (RATE) at once, then RATE a second for MAX_WAIT_MS: about 10, give or take a turn of timing.
    assert.ok(admitted.length >= RATE + 3 && admitted.length <= RATE + (RATE * MAX_WAIT_MS) / 1000 + 2, `admitted ${admitted.length}`);
    const deferred = admitted.filter((answer) => answer.ms >= 1000 / RATE / 2);
    assert.ok(deferred.length >= 3, `some were held for their turn (${deferred.map((a) => Math.round(a.ms)).join(',')} ms)`);
    // Measured by the client, so a shared machine's delays count too: a generous margin.
    for (const answer of admitted) assert.ok(answer.ms < MAX_WAIT_MS + 4000, `none held far past the wait bound (${Math.round(answer.ms)} ms)`);
    for (const answer of refused) {
      assert.match(answer.body, /^server busy admitting connections; retry in \d+ s\n$/);
      assert.ok(Number(answer.retryAfter) >= 1, `Retry-After in whole seconds (${answer.retryAfter})`);
    }
    assert.ok(ack.ok, 'the open session chatted on through the storm');
    assert.equal((await admissions('refused')) - before.refused, refused.length, 'metrics count each refusal');
    const deferredCounted = (await admissions('deferred')) - before.deferred;
    assert.ok(deferredCounted >= 3, `metrics count the deferred ones (${deferredCounted})`);
    assert.equal(deferredCounted + (await admissions('immediate')) - before.immediate, admitted.length, 'and every admitted one');
  });

  test('a WebSocket handshake past the bound is refused 503 with Retry-After too, not dropped', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // Spend every turn of the next MAX_WAIT_MS, then ask over WebSocket.
    const spent = Array.from({ length: RATE * 3 }, () => pollingHandshake(server.url));
    const answer = await websocketHandshake(server.port);
    await Promise.all(spent);
    assert.equal(answer.status, 503);
    assert.ok(Number(answer.retryAfter) >= 1, `Retry-After (${answer.retryAfter})`);
    assert.match(answer.body, /server busy admitting connections/);
  });

  test('socket.io-client sees the refusal as connect_error, then its back-off brings it in', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const spent = Array.from({ length: RATE * 3 }, () => pollingHandshake(server.url));
    const socket = io(server.url, { transports: ['polling'], forceNew: true, reconnectionDelay: 200, reconnectionDelayMax: 1000 });
    try {
      const refusal = await new Promise<Error & { description?: unknown }>((resolve) => socket.once('connect_error', resolve));
      assert.equal(refusal.description, 503, `refused with 503 (${refusal.message} ${String((refusal as { context?: { responseText?: string } }).context?.responseText)})`);
      await Promise.all(spent);
      await connected(socket, 10_000);
    } finally {
      socket.close();
    }
  });
});
