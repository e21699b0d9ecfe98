import { ClientPool, type ConnectResult } from '../load/client-pool.js';
import type { ClientKind } from '../load/protocol.js';
import { sleep } from '../load/senders.js';
import { openFileLimit, rssBytes, snapshot } from '../process-usage.js';
import { bytes, count, ms, ratio, triple } from '../report.js';
import type { ServerUnderTest } from '../server-process.js';
import { percentiles } from '../stats.js';
import { openBareSocketIo, openParley, openRawWs, using, type BenchOptions, type Row, type Scenario } from './scenario.js';

const CONNECTIONS = 5_000;
const WARM_UP_CONNECTIONS = 20;
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

async function runIdle(server: ServerUnderTest, kind: ClientKind, options: BenchOptions): Promise<IdleRun> {
  // Warm up the connection path first, so that code loading and JIT are not counted per connection.
  const warmUp = ClientPool.start(1);
  try {
    await warmUp.connect({ urls: server.urls ?? [server.url], kind, clients: WARM_UP_CONNECTIONS, startOffset: 0, concurrency: 10, timeoutMs: 20_000 });
  } finally {
    await warmUp.close();
  }
  await sleep(SETTLE_MS);
  const rssBefore = await steadyRss(server);
  const processBefore = new Map(server.pids().map((pid) => [pid, rssBytes(pid)]));
  const pool = ClientPool.start(options.clientProcesses ?? 1);
  try {
    const connect = await pool.connect({ urls: server.urls ?? [server.url], kind, clients: CONNECTIONS, startOffset: 0, concurrency: 100, timeoutMs: 30_000 });
    await sleep(SETTLE_MS);
    const rssAfter = await steadyRss(server);
    const perProcessGrowth = server
      .pids()
      .map((pid) => `${pid}: +${bytes(rssBytes(pid) - (processBefore.get(pid) ?? 0))}`)
      .join(', ');
    return { connect, rssBefore, rssAfter, perProcessGrowth };
  } finally {
    await pool.close();
  }
}

/** 5,000 idle connections: how much server memory (all processes) each one costs. */
export const idleMemory: Scenario = {
  name: 'idle-memory',
  async run(options) {
    const limit = openFileLimit();
    if (limit !== undefined && limit < CONNECTIONS + SPARE_DESCRIPTORS) {
      throw new Error(
        `idle-memory needs about ${CONNECTIONS + SPARE_DESCRIPTORS} open files per process; ulimit -n is ${limit}. Raise it (ulimit -n ${CONNECTIONS * 2}) and run again.`,
      );
    }
    const parley = await using(openParley(options), (server) => runIdle(server, 'socketio', options));
    const socketio = options.socketioBaseline
      ? await using(openBareSocketIo(), (server) => runIdle(server, 'socketio', options))
      : undefined;
    const raw = await using(openRawWs(), (server) => runIdle(server, 'raw', options));
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
    ];
    return {
      name: this.name,
      title: `${CONNECTIONS.toLocaleString('en-US')} idle websocket connections`,
      rows,
      notes: [
        `RSS is summed over every server process (Parley: primary + ${options.workers} workers), median of three readings ${SETTLE_MS / 1000} s after the last connection, minus the same after ${WARM_UP_CONNECTIONS} warm-up connections came and went.`,
        `Open-file limit of the benchmark and the servers it starts (ulimit -n): ${limit ?? 'unknown'}.`,
        `Parley's RSS growth per process (the primary first): ${parley.perProcessGrowth}.`,
      ],
    };
  },
};
