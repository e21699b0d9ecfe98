import type { Deployment, Scenario } from './scenario.js';
import { ackedPerSecond, runOnEveryServer, WARM_UP_MS, warmUpNote, type TrafficPlan } from './traffic.js';
import { intact, trafficRows } from './traffic-rows.js';

const CLIENTS = 10;
/**
 * Acknowledged messages a second asked of each deployment: one SQLite node since the first
 * benchmarks; one PostgreSQL node by issue 11, which also asks for at least half of SQLite's
 * in the same run (bench/report.ts, `RELATIVE_TARGETS`). Two nodes have none: each message
 * crosses Redis.
 */
const TARGET_PER_SECOND: Readonly<Partial<Record<Deployment, number>>> = { sqlite: 3_500, postgres: 3_000 };

/**
 * The durable write path: 10 clients, each sending its next message as soon as the
 * previous one is acknowledged (closed loop), so throughput is bounded by the latency of
 * a durable write, not by the offered load.
 */
export const durableWrites: Scenario = {
  name: 'durable-writes',
  async run(options) {
    const durationMs = options.durationSeconds * 1000;
    const plan: TrafficPlan = {
      clients: CLIENTS,
      senders: CLIENTS,
      mode: 'closed',
      ratePerSender: 0,
      durationMs,
      maxPerSender: 1_000_000,
      textLength: 64,
      connectConcurrency: CLIENTS,
      warmUpMs: WARM_UP_MS,
    };
    // The per-connection flood guard (PARLEY_RATE_LIMIT, default 100/s per connection)
    // would cap 10 connections at ~1,000/s; this scenario measures the write path behind it.
    const floodGuardOff = { PARLEY_RATE_LIMIT: '1000000', PARLEY_RATE_BURST: '1000000' };
    const runs = await runOnEveryServer(plan, options, floodGuardOff);
    const notes = [
      warmUpNote(options.durationSeconds),
      'Closed loop: each client has exactly one message in flight, so acked msgs/s = clients / round-trip time.',
      'The raw ws column stores nothing: it is the round trip without a database.',
    ];
    notes.push(
      options.target === undefined
        ? 'Parley ran with PARLEY_RATE_LIMIT and PARLEY_RATE_BURST raised to 1,000,000 for this scenario only; at the default 100/s per connection, 10 connections are refused above ~1,000 msgs/s.'
        : 'The --target server runs with its own PARLEY_RATE_LIMIT; RATE_LIMITED failures above mean its flood guard, not its write path, set the figure.',
    );
    const target = TARGET_PER_SECOND[options.database];
    return {
      name: this.name,
      title: `${CLIENTS} clients, closed loop (next send on ack) for ${options.durationSeconds} s`,
      rows: trafficRows(runs, { messagesPerSecond: Number.NaN, deliveriesPerSecond: Number.NaN }, {
        ...(target === undefined
          ? {}
          : { ackedPerSecond: { text: `>= ${target.toLocaleString('en-US')}/s`, met: (run) => ackedPerSecond(run) >= target } }),
        integrity: intact,
      }),
      notes,
    };
  },
};
