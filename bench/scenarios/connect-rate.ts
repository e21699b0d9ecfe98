import { ClientPool, type ConnectResult } from '../load/client-pool.js';
import type { ClientKind } from '../load/protocol.js';
import { sleep } from '../load/senders.js';
import { ensureOpenFiles, loopbackSources } from '../open-files.js';
import { cpuSecondsBetween, snapshot } from '../process-usage.js';
import { count, micros, perSecond, ratio, triple } from '../report.js';
import type { ServerUnderTest } from '../server-process.js';
import { percentiles } from '../stats.js';
import { openBareSocketIo, openParley, openRawWs, using, type BenchOptions, type Row, type Scenario } from './scenario.js';

export const DEFAULT_CONNECT_RATE_CLIENTS = 5_000;
const WARM_UP_CONNECTIONS = 50;
/** Handshakes in flight at once: enough that the server, not the client's pacing, sets the rate. */
const CONCURRENCY = 200;
/** Target: Parley admits connections at least this fraction of raw ws's rate (issue 24). */
const TARGET_RATIO = 0.5;
const SPARE_DESCRIPTORS = 500;

interface RateRun {
  readonly connect: ConnectResult;
  /** Server CPU seconds (all processes) over the connect phase. */
  readonly serverCpuSeconds: number;
}

async function runRate(server: ServerUnderTest, kind: ClientKind, clients: number, options: BenchOptions): Promise<RateRun> {
  const urls = server.urls ?? [server.url];
  // Warm up the connection path first, so that code loading and JIT are not counted.
  const warmUp = ClientPool.start(1);
  try {
    await warmUp.connect({ urls, kind, clients: WARM_UP_CONNECTIONS, startOffset: 0, concurrency: 10, timeoutMs: 20_000 });
  } finally {
    await warmUp.close();
  }
  await sleep(1_000);
  const pool = ClientPool.start(options.clientProcesses ?? 1);
  try {
    const before = snapshot(server.pids());
    const connect = await pool.connect({
      urls,
      kind,
      clients,
      startOffset: 0,
      concurrency: CONCURRENCY,
      timeoutMs: 60_000,
      localAddresses: loopbackSources(clients),
    });
    const after = snapshot(server.pids());
    return { connect, serverCpuSeconds: cpuSecondsBetween(before, after) };
  } finally {
    await pool.close();
  }
}

/**
 * connect-rate: N clients connect as fast as the server admits them (CONCURRENCY
 * handshakes in flight); connections per second, connect p50 / p99 and server CPU per
 * connection, against raw ws (and bare Socket.IO) in the same run. Parley and bare
 * Socket.IO get the lean Socket.IO client (load/lean-client.ts): the same frames as
 * socket.io-client, without its per-connection CPU, which on two shared cores would make
 * the client process the limit, as raw ws's own client is lean.
 */
export const connectRate: Scenario = {
  name: 'connect-rate',
  async run(options) {
    const clients = options.connections ?? DEFAULT_CONNECT_RATE_CLIENTS;
    const limit = ensureOpenFiles(clients + SPARE_DESCRIPTORS);
    const parley = await using(openParley(options), (server) => runRate(server, 'lean', clients, options));
    const socketio = options.socketioBaseline
      ? await using(openBareSocketIo(), (server) => runRate(server, 'lean', clients, options))
      : undefined;
    const raw = await using(openRawWs(), (server) => runRate(server, 'raw', clients, options));
    const rate = (run: RateRun): number => run.connect.connected / (run.connect.wallMs / 1000);
    const cpuPerConnection = (run: RateRun): number => (run.serverCpuSeconds * 1e6) / Math.max(1, run.connect.connected);
    const latency = (run: RateRun) => percentiles(run.connect.connectMs);
    const row = (metric: string, value: (run: RateRun) => number, format: (value: number) => string): Row => ({
      metric,
      parley: format(value(parley)),
      socketio: socketio ? format(value(socketio)) : '',
      raw: format(value(raw)),
      socketioRatio: socketio ? ratio(value(parley), value(socketio)) : '',
      ratio: ratio(value(parley), value(raw)),
    });
    const text = (metric: string, value: (run: RateRun) => string): Row => ({
      metric,
      parley: value(parley),
      socketio: socketio ? value(socketio) : '',
      raw: value(raw),
    });
    const rows: Row[] = [
      text('connections (failed)', (run) => `${count(run.connect.connected)} (${count(run.connect.failed)})`),
      {
        ...row('connections per second', rate, perSecond),
        value: rate(parley),
        target: `>= ${TARGET_RATIO}x raw ws`,
        met: rate(parley) >= TARGET_RATIO * rate(raw) && parley.connect.failed === 0,
      },
      text('connect p50 / p95 / p99', (run) => triple([latency(run).p50, latency(run).p95, latency(run).p99])),
      row('connect p99', (run) => latency(run).p99, (value) => `${value.toFixed(1)} ms`),
      row('server CPU per connection', cpuPerConnection, micros),
    ];
    return {
      name: this.name,
      title: `${clients.toLocaleString('en-US')} clients connecting, ${CONCURRENCY} handshakes in flight`,
      rows,
      notes: [
        `Parley${socketio ? ' and bare Socket.IO' : ''}: the lean Socket.IO client (bench/load/lean-client.ts, Engine.IO v4 over ws, the tutorial's auth); raw ws: its own client. ${WARM_UP_CONNECTIONS} warm-up connections came and went first.`,
        `Rate = connected / (last connect - first begun). Server CPU: all its processes over the connect phase. Open-file limit: ${limit}.`,
      ],
    };
  },
};
