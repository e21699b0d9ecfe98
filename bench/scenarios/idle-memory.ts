import { ClientPool, type ConnectResult } from '../load/client-pool.js';
import type { ClientKind } from '../load/protocol.js';
import { sleep } from '../load/senders.js';
import { ensureOpenFiles, loopbackSources } from '../open-files.js';
import { cpuSecondsBetween, rssBytes, snapshot } from '../process-usage.js';
import { bytes, count, ms, ratio, triple } from '../report.js';
import type { ServerUnderTest } from '../server-process.js';
import { percentiles } from '../stats.js';
import { openBareSocketIo, openParley, openRawWs, using, type BenchOptions, type Row, type Scenario } from './scenario.js';

export const DEFAULT_IDLE_CONNECTIONS = 5_000;
/**
 * Above the default the clients are the lean Socket.IO client (load/lean-client.ts):
 * socket.io-client builds a Manager, a Socket, an Engine.IO client, their timers and
 * parsers per connection, and at tens of thousands of connections on two shared cores the
 * client process, not the server, would set the pace. The server sees the same frames.
 */
const LEAN_ABOVE = DEFAULT_IDLE_CONNECTIONS;
/**
 * Enough for a burst (src/cluster/burst-collector.ts: 500 sessions), so that Parley's
 * processes collect after the warm-up as they will after the measured connections, and
 * the reading before holds no more garbage from the start than the reading after.
 */
const WARM_UP_CONNECTIONS = 600;
const TARGET_BYTES_PER_CONNECTION = 20 * 1024;
/** Time for the server to finish its per-connection work (and a GC to run) before reading RSS. */
const SETTLE_MS = 3_000;
/** File descriptors the benchmark needs besides one per connection. */
const SPARE_DESCRIPTORS = 200;

interface IdleRun {
  readonly connect: ConnectResult;
  readonly rssBefore: number;
  readonly rssAfter: number;
  /** Each server process's RSS growth, e.g. `1234: +9.1 MB`. */
  readonly perProcessGrowth: string;
  /** Connections dropped while idle (a missed heartbeat closes one), over HOLD_MS. */
  readonly dropped: number;
  /** Time for GET /healthz to answer with every connection open; NaN if it did not answer 200. */
  readonly healthMs: number;
  /** Server CPU (all processes) while the connections sat idle, in cores (1 = one core busy). */
  readonly idleCores: number;
}

/**
 * How long the connections are held before the drops are counted: longer than Engine.IO's
 * ping interval (25 s) plus its timeout (20 s), so a server too busy to answer heartbeats
 * shows as dropped connections.
 */
const HOLD_MS = 50_000;

/** GET /healthz, timed; NaN unless it answers 200 within 10 s. */
async function timedHealth(url: string): Promise<number> {
  const startedAt = performance.now();
  try {
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) });
    await response.arrayBuffer();
    return response.status === 200 ? performance.now() - startedAt : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Server RSS, the median of three readings 200 ms apart (one reading can catch a GC mid-way). */
async function steadyRss(server: ServerUnderTest): Promise<number> {
  const readings: number[] = [];
  for (let i = 0; i < 3; i++) {
    readings.push(snapshot(server.pids()).rssBytes);
    await sleep(200);
  }
  return readings.sort((a, b) => a - b)[1] ?? Number.NaN;
}

async function runIdle(server: ServerUnderTest, kind: ClientKind, connections: number, options: BenchOptions): Promise<IdleRun> {
  // Warm up the connection path first, so that code loading and JIT are not counted per connection.
  const warmUp = ClientPool.start(1);
  try {
    await warmUp.connect({ urls: server.urls ?? [server.url], kind, clients: WARM_UP_CONNECTIONS, startOffset: 0, concurrency: 50, timeoutMs: 30_000 });
  } finally {
    await warmUp.close();
  }
  await sleep(SETTLE_MS);
  const rssBefore = await steadyRss(server);
  const processBefore = new Map(server.pids().map((pid) => [pid, rssBytes(pid)]));
  const pool = ClientPool.start(options.clientProcesses ?? 1);
  try {
    const connect = await pool.connect({
      urls: server.urls ?? [server.url],
      kind,
      clients: connections,
      startOffset: 0,
      concurrency: 100,
      timeoutMs: connections > LEAN_ABOVE ? 120_000 : 30_000,
      localAddresses: loopbackSources(connections),
    });
    await sleep(SETTLE_MS);
    const rssAfter = await steadyRss(server);
    const perProcessGrowth = server
      .pids()
      .map((pid) => `${pid}: +${bytes(rssBytes(pid) - (processBefore.get(pid) ?? 0))}`)
      .join(', ');
    const healthMs = await timedHealth(server.url);
    const idleFrom = snapshot(server.pids());
    const idleStartedAt = performance.now();
    // Held past a heartbeat only at scale (where it can fail), so the 5,000 default stays quick.
    await sleep(connections > LEAN_ABOVE ? HOLD_MS : SETTLE_MS);
    const idleCores = cpuSecondsBetween(idleFrom, snapshot(server.pids())) / ((performance.now() - idleStartedAt) / 1000);
    const { disconnects: dropped } = await pool.deliveries(0, 1);
    return { connect, rssBefore, rssAfter, perProcessGrowth, dropped, healthMs, idleCores };
  } finally {
    await pool.close();
  }
}

/**
 * 5,000 idle connections (`--connections` for more, e.g. 100,000): how much server memory
 * (all processes) each one costs. The open-file limit is raised to fit (open-files.ts) and,
 * past one address's ephemeral ports, the clients connect from several loopback addresses.
 */
export const idleMemory: Scenario = {
  name: 'idle-memory',
  async run(options) {
    const connections = options.connections ?? DEFAULT_IDLE_CONNECTIONS;
    const limit = ensureOpenFiles(connections + SPARE_DESCRIPTORS);
    const kind: ClientKind = connections > LEAN_ABOVE ? 'lean' : 'socketio';
    const parley = await using(openParley(options), (server) => runIdle(server, kind, connections, options));
    const socketio = options.socketioBaseline
      ? await using(openBareSocketIo(), (server) => runIdle(server, kind, connections, options))
      : undefined;
    const raw = await using(openRawWs(), (server) => runIdle(server, 'raw', connections, options));
    const perConnection = (run: IdleRun): number => (run.rssAfter - run.rssBefore) / run.connect.connected;
    const connectMs = (run: IdleRun) => percentiles(run.connect.connectMs);
    const row = (metric: string, value: (run: IdleRun) => number, format: (value: number) => string): Row => ({
      metric,
      parley: format(value(parley)),
      socketio: socketio ? format(value(socketio)) : '',
      raw: format(value(raw)),
      socketioRatio: socketio ? ratio(value(parley), value(socketio)) : '',
      ratio: ratio(value(parley), value(raw)),
    });
    const text = (metric: string, value: (run: IdleRun) => string): Row => ({
      metric,
      parley: value(parley),
      socketio: socketio ? value(socketio) : '',
      raw: value(raw),
    });
    const rows: Row[] = [
      text('connections (failed)', (run) => `${count(run.connect.connected)} (${count(run.connect.failed)})`),
      text('connect p50 / p95 / p99', (run) => triple([connectMs(run).p50, connectMs(run).p95, connectMs(run).p99])),
      row('connect, all clients', (run) => run.connect.wallMs, ms),
      row('server RSS before', (run) => run.rssBefore, bytes),
      row('server RSS with all connected', (run) => run.rssAfter, bytes),
      {
        ...row('RSS growth per connection', perConnection, bytes),
        target: '<= 20.0 KB',
        met: perConnection(parley) <= TARGET_BYTES_PER_CONNECTION,
      },
      text(connections > LEAN_ABOVE ? `dropped while idle (${HOLD_MS / 1000} s, past a heartbeat)` : 'dropped while idle', (run) => count(run.dropped)),
      row('GET /healthz with all connected', (run) => run.healthMs, ms),
      row('server CPU while idle (cores)', (run) => run.idleCores, (value) => value.toFixed(3)),
    ];
    return {
      name: this.name,
      title: `${connections.toLocaleString('en-US')} idle websocket connections`,
      rows,
      notes: [
        `RSS is summed over every server process (Parley: primary + ${options.workers} workers), median of three readings ${SETTLE_MS / 1000} s after the last connection, minus the same after ${WARM_UP_CONNECTIONS} warm-up connections came and went.`,
        `Open-file limit of the benchmark and the servers it starts (ulimit -n, raised by the benchmark if needed): ${limit}.`,
        `Clients: ${kind === 'lean' ? 'the lean Socket.IO client (bench/load/lean-client.ts)' : 'socket.io-client'} for Parley${options.socketioBaseline ? ' and bare Socket.IO' : ''}, its own client for raw ws; source addresses: ${loopbackSources(connections).join(', ') || '127.0.0.1'}.`,
        `Parley's RSS growth per process (the primary first): ${parley.perProcessGrowth}.`,
      ],
    };
  },
};
