import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { connected, eventually, tutorialClient } from '../helpers/clients.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { chatUntil } from './fuzz/chat-traffic.js';
import { pollingCase, runPollingCase } from './fuzz/polling-cases.js';
import { Random } from './fuzz/random.js';
import { runWebSocketCase, webSocketCase } from './fuzz/websocket-cases.js';

/** Reproduce a run with its printed seed: PARLEY_FUZZ_SEED=<seed> (and PARLEY_FUZZ_CASES=<n>). */
const SEED = wholeNumber('PARLEY_FUZZ_SEED') ?? randomInt(2 ** 31);
/** Cases per transport. */
const CASES = wholeNumber('PARLEY_FUZZ_CASES') ?? 2000;

function wholeNumber(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined || text === '') return undefined;
  if (!/^\d+$/.test(text)) throw new Error(`${name} must be a whole number, not ${JSON.stringify(text)}`);
  return Number(text);
}
/** Connections each transport keeps busy at once. */
const LANES = 6;
/**
 * No case starts after this long (the run's count of cases is printed): about 30 s of work
 * on two idle cores, but the suite's machine may be shared, and the test's own timeout is 180 s.
 */
const BUDGET_MS = 120_000;

/** Room for thousands of sessions a minute from one address, and for their refusals. */
const FUZZ_ENV = {
  PARLEY_MAX_CONNECTIONS_PER_ADDRESS: '100000',
  PARLEY_MAX_PENDING_PER_ADDRESS: '100000',
  PARLEY_LIMITS: JSON.stringify({
    'connections.address': { points: 1_000_000, seconds: 10 },
    'refusals.address': { points: 1_000_000, seconds: 10 },
  }),
};

/** Runs cases 0..count-1 over `lanes` concurrent lanes until `deadline`; counts the outcomes. */
async function inLanes(count: number, lanes: number, deadline: number, runCase: (index: number) => Promise<string>): Promise<Map<string, number>> {
  const outcomes = new Map<string, number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      for (let index = next++; index < count && Date.now() < deadline; index = next++) {
        const outcome = await runCase(index);
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }
    }),
  );
  return outcomes;
}

const total = (outcomes: Map<string, number>): number => [...outcomes.values()].reduce((sum, n) => sum + n, 0);

/**
 * Malformed engine.io and socket.io frames, over WebSocket and long-polling, from a seeded
 * generator, while a tutorial client chats. Afterwards every process is the one that
 * started, /healthz answers, nothing was thrown uncaught, and every acknowledged message
 * is stored once, in order.
 */
describe('frame fuzzer', () => {
  let server: RunningServer;
  before(async () => {
    // Every case comes from 127.0.0.1: at the per-address defaults, the handshake limits
    // (tested in test/limits) would refuse most cases before any frame is parsed.
    server = await startServer({ workers: 2, env: FUZZ_ENV });
    await eventually(() => server.workerPids().length === 2, 'both workers ready');
  });
  after(async () => {
    assert.equal(await server.stop(), 0, 'a graceful stop after the fuzzing');
  });

  test(`${CASES} malformed cases per transport leave every process up and the history intact (seed ${SEED})`, async (t) => {
    console.log(`frame fuzzer: seed ${SEED}, ${CASES} cases per transport (PARLEY_FUZZ_SEED=${SEED} reproduces the cases)`);
    const workersAtStart = server.workerPids();
    const chatter = tutorialClient(server.url);
    t.after(() => chatter.close());
    await connected(chatter);

    let fuzzing = true;
    const started = Date.now();
    const deadline = started + BUDGET_MS;
    const traffic = chatUntil(chatter, `fuzz-${SEED}`, () => !fuzzing, { limit: 5000, pauseMs: 15 });
    const [webSocket, polling] = await Promise.all([
      inLanes(CASES, LANES, deadline, (index) => runWebSocketCase(server.url, webSocketCase(Random.forCase(SEED, 'websocket', index)), 2000)),
      inLanes(CASES, LANES, deadline, async (index) => {
        const { status, answered } = await runPollingCase(server.port, pollingCase(Random.forCase(SEED, 'polling', index)), 300);
        return `${status}${answered ? ' answered' : ''}`;
      }),
    ]);
    fuzzing = false;
    const acknowledged = await traffic;
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `frame fuzzer: ${seconds.toFixed(1)} s; websocket ${total(webSocket)} cases ${JSON.stringify(Object.fromEntries(webSocket))}; ` +
        `polling ${total(polling)} cases ${JSON.stringify(Object.fromEntries(polling))}; ${acknowledged.length} chat messages acknowledged meanwhile`,
    );
    if (total(webSocket) + total(polling) < 2 * CASES) t.diagnostic(`the ${BUDGET_MS / 1000} s budget ran out before all ${2 * CASES} cases`);

    // The cases reached engine.io and socket.io's parsers: only the 5 % with a broken query
    // string may be refused at the handshake. Every malformed request got a 4xx, not a 5xx.
    const refused = webSocket.get('refused') ?? 0;
    assert.ok(refused <= total(webSocket) * 0.1, `${refused} of ${total(webSocket)} WebSocket cases refused before their frames`);
    const serverErrors = [...polling].filter(([outcome]) => outcome.startsWith('5'));
    assert.deepEqual(serverErrors, [], 'no long-polling case answered with a server error');

    // Every process is the one that started: no worker died and none was forked again.
    assert.deepEqual(server.workerPids(), workersAtStart, 'the same workers');
    for (const pid of [server.pid, ...workersAtStart]) assert.doesNotThrow(() => process.kill(pid, 0), `process ${pid} alive`);
    assert.equal(server.logs().filter((line) => line.msg === 'worker died; forking a replacement').length, 0);
    assert.doesNotMatch(server.stderr(), /Error|uncaught|unhandled/i, 'nothing thrown uncaught');
    const errors = server.logs().filter((line) => typeof line['level'] === 'number' && line['level'] >= 50);
    assert.deepEqual(errors, [], 'no error logged');
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);

    // The chat went on throughout, and each acknowledged message is stored once, in order.
    assert.ok(acknowledged.length >= 20, `the chat went on during the fuzzing (${acknowledged.length} acknowledged)`);
    const offsets = acknowledged.map((message) => message.serverOffset);
    assert.deepEqual(offsets, [...offsets].sort((a, b) => a - b), 'acknowledged offsets grow');
    const reader = tutorialClient(server.url, { serverOffset: 0, transports: ['websocket'] });
    t.after(() => reader.close());
    await connected(reader);
    const last = offsets.at(-1) ?? 0;
    await eventually(() => reader.deliveries.some((delivery) => delivery.serverOffset >= last), 'the history read back', 20_000);
    const history = reader.deliveries.map((delivery) => delivery.serverOffset);
    assert.deepEqual(history, [...new Set(history)].sort((a, b) => a - b), 'the history once, in offset order');
    const ours = reader.deliveries.filter((delivery) => delivery.text.startsWith(`fuzz-${SEED}-`));
    assert.deepEqual(ours, acknowledged, 'every acknowledged message stored once, at its offset, in order');
  });
});
