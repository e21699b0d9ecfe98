import { ClientPool } from '../load/client-pool.js';
import { checkDeliveries } from '../load/verify.js';
import { measure } from '../measure.js';
import { historyHead } from '../probe.js';
import { bytes, count, ms, otherLoad, percent, perSecond, seconds, triple } from '../report.js';
import type { ServerUnderTest } from '../server-process.js';
import { LatencyHistogram, maxOf, percentiles } from '../stats.js';
import { openParley, using, type Row, type Scenario } from './scenario.js';

const HISTORY = 2_000;
const CLIENTS = 500;
/** Seeding stays under the default flood guard (100/s per connection). */
const SEEDERS = 10;
const SEED_RATE_PER_SENDER = 80;
const TARGET_MS = 3_000;
const TARGET_GROWTH_BYTES = 150 * 1024 * 1024;
const CATCH_UP_TIMEOUT_MS = 30_000;
/** The client processes by default: one alone is this scenario's bottleneck (see the note in the report). */
const CLIENT_PROCESSES = 2;

async function storeHistory(server: ServerUnderTest, startOffset: number): Promise<number[]> {
  const seeders = ClientPool.start(1);
  try {
    await seeders.connect({ urls: server.urls ?? [server.url], kind: 'socketio', clients: SEEDERS, startOffset, concurrency: SEEDERS, timeoutMs: 20_000 });
    const perSender = HISTORY / SEEDERS;
    const sent = await seeders.send({
      senders: SEEDERS,
      mode: 'open',
      ratePerSender: SEED_RATE_PER_SENDER,
      durationMs: (perSender / SEED_RATE_PER_SENDER) * 1000 * 4,
      maxPerSender: perSender,
      textLength: 64,
      settleTimeoutMs: 45_000,
      warmUp: false,
    });
    if (sent.ackedOffsets.length !== HISTORY) {
      throw new Error(`catch-up: stored ${sent.ackedOffsets.length} of ${HISTORY} history messages (${JSON.stringify(sent.failures)})`);
    }
    return sent.ackedOffsets;
  } finally {
    await seeders.close();
  }
}

/**
 * Catch-up: 2,000 messages stored, then 500 new clients connect from serverOffset 0 at
 * once. Measures the time until every client is connected and holds all 2,000, in order,
 * once each, and how much server memory that costs at its peak.
 */
export const catchUp: Scenario = {
  name: 'catch-up',
  async run(options) {
    return using(openParley(options), async (server) => {
      // A fresh server's history is empty; on a --target, new clients start where history stood.
      const startOffset = server.fresh ? 0 : await historyHead(server.url);
      const history = await storeHistory(server, startOffset);
      const newest = maxOf(history);
      const clientProcesses = options.clientProcesses ?? CLIENT_PROCESSES;
      const pool = ClientPool.start(clientProcesses);
      try {
        const { result, usage } = await measure(
          () => server.pids(),
          pool.pids,
          async () => {
            const connect = await pool.connect({
              urls: server.urls ?? [server.url],
              kind: 'socketio',
              clients: CLIENTS,
              startOffset,
              concurrency: CLIENTS,
              timeoutMs: 20_000,
              expectThroughOffset: newest,
            });
            const delivery = await pool.deliveries(newest, CATCH_UP_TIMEOUT_MS);
            return { connect, delivery };
          },
        );
        const { connect, delivery } = result;
        const check = checkDeliveries(delivery.logs, history, startOffset);
        const done = delivery.reachedAt.filter((at) => Number.isFinite(at));
        const allDoneMs = done.length === CLIENTS ? maxOf(done) - connect.startedAt : Number.NaN;
        const perClient = new LatencyHistogram();
        for (const at of done) perClient.record(at - connect.startedAt);
        const caughtUp = percentiles(perClient);
        const connectMs = percentiles(connect.connectMs);
        const growth = usage.rssPeak - usage.rssBefore;
        const rows: Row[] = [
          { metric: 'history stored', parley: count(history.length) },
          { metric: 'clients connected (failed)', parley: `${count(connect.connected)} (${count(connect.failed)})` },
          { metric: 'connect p50 / p95 / p99', parley: triple([connectMs.p50, connectMs.p95, connectMs.p99]) },
          { metric: 'connect, all clients', parley: ms(connect.wallMs) },
          { metric: 'all connected and caught up', parley: ms(allDoneMs), target: `<= ${count(TARGET_MS)} ms`, met: allDoneMs <= TARGET_MS },
          { metric: 'per client caught up p50 / p95 / p99', parley: triple([caughtUp.p50, caughtUp.p95, caughtUp.p99]) },
          { metric: `deliveries (expected ${count(CLIENTS * HISTORY)})`, parley: count(delivery.deliveries) },
          { metric: 'deliveries/s', parley: perSecond(delivery.deliveries / ((delivery.lastDeliveryAt - connect.startedAt) / 1000)) },
          {
            metric: 'lost / duplicated / out-of-order',
            parley: `${count(check.lost)} / ${count(check.duplicated)} / ${count(check.outOfOrder)}`,
            target: '0 / 0 / 0',
            met: check.lost === 0 && check.duplicated === 0 && check.outOfOrder === 0,
          },
          { metric: 'clients with every message, once, in order', parley: `${count(check.perfectClients)} of ${count(check.clients)}` },
          { metric: 'server CPU', parley: seconds(usage.serverCpuSeconds) },
          { metric: 'server RSS before', parley: bytes(usage.rssBefore) },
          { metric: 'server RSS peak', parley: bytes(usage.rssPeak) },
          { metric: 'server RSS growth (peak)', parley: bytes(growth), target: '<= 150.0 MB', met: usage.serverVisible && growth <= TARGET_GROWTH_BYTES },
          { metric: 'client CPU', parley: seconds(usage.clientCpuSeconds) },
          { metric: 'other processes / irq / steal CPU', parley: otherLoad(usage) },
          { metric: 'machine busy', parley: percent(usage.machineBusy) },
        ];
        return {
          name: 'catch-up',
          title: `${count(HISTORY)} stored messages, then ${CLIENTS} new clients connect from serverOffset ${startOffset}`,
          rows,
          notes: [
            'Time runs from the first handshake begun to the last client holding the newest stored offset.',
            'RSS peak is sampled every 100 ms over all server processes; growth is peak minus the reading before the clients connect.',
            'lost counts (client, message) pairs not yet received when the bounds ran out (20 s to connect, then 30 s to catch up): with a slow server, late rather than proven dropped.',
            'raw ws has no history to catch up from, so this scenario has no ceiling column.',
            `Clients: ${clientProcesses} process(es). One process by itself needs 2.7 to 3.2 s to take in the 1,000,000 events, whatever the server (bench/catch-up-floor.ts), so by default this scenario spreads its clients over ${CLIENT_PROCESSES}.`,
          ],
        };
      } finally {
        await pool.close();
      }
    });
  },
};
