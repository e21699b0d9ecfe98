import os from 'node:os';
import { bytes, count, micros, ms, otherLoad, percent, perSecond, ratio, seconds, triple } from '../report.js';
import { percentiles } from '../stats.js';
import type { Row } from './scenario.js';
import { ackedPerSecond, cpuPerDelivery, deliveriesPerSecond, failureSummary, type TrafficRun, type TrafficRuns } from './traffic.js';

/** The figures of a traffic run that a scenario may put a target on. */
export type TrafficMetric =
  | 'acked'
  | 'ackedPerSecond'
  | 'ackP95'
  | 'ackP99'
  | 'deliveriesPerSecond'
  | 'integrity'
  | 'cpuPerDelivery';

export interface Target {
  readonly text: string;
  readonly met: (parley: TrafficRun, raw: TrafficRun | undefined) => boolean;
}

/**
 * The standard table of a traffic scenario: connection, throughput, latency, the delivery
 * check and the cost, Parley beside the baselines the scenario ran.
 */
export function trafficRows(
  runs: TrafficRuns,
  offered: { messagesPerSecond: number; deliveriesPerSecond: number },
  targets: Partial<Record<TrafficMetric, Target>>,
): Row[] {
  const { parley, raw, socketio } = runs;
  const verdict = (key: TrafficMetric | undefined) => {
    const target = key === undefined ? undefined : targets[key];
    return target ? { target: target.text, met: target.met(parley, raw) } : {};
  };
  const both = (metric: string, value: (run: TrafficRun) => number, format: (value: number) => string, key?: TrafficMetric): Row => ({
    metric,
    parley: format(value(parley)),
    value: value(parley),
    socketio: socketio ? format(value(socketio)) : '',
    raw: raw ? format(value(raw)) : '',
    socketioRatio: socketio ? ratio(value(parley), value(socketio)) : '',
    ratio: raw ? ratio(value(parley), value(raw)) : '',
    ...verdict(key),
  });
  const text = (metric: string, value: (run: TrafficRun) => string, key?: TrafficMetric): Row => ({
    metric,
    parley: value(parley),
    socketio: socketio ? value(socketio) : '',
    raw: raw ? value(raw) : '',
    ...verdict(key),
  });
  const ack = (run: TrafficRun) => percentiles(run.send.ackMs);
  const e2e = (run: TrafficRun) => percentiles(run.delivery.endToEndMs);
  const connectMs = (run: TrafficRun) => percentiles(run.connect.connectMs);

  return [
    text('clients connected (failed)', (run) => `${count(run.connect.connected)} (${count(run.connect.failed)})`),
    text('connect p50 / p95 / p99', (run) => triple([connectMs(run).p50, connectMs(run).p95, connectMs(run).p99])),
    both('connect, all clients', (run) => run.connect.wallMs, ms),
    text('sent / acked (failed)', (run) => `${count(run.send.sent)} / ${count(run.send.ackedOffsets.length)} (${failureSummary(run.send)})`, 'acked'),
    both(`acked msgs/s${offeredText(offered.messagesPerSecond)}`, ackedPerSecond, perSecond, 'ackedPerSecond'),
    both('ack p50', (run) => ack(run).p50, ms),
    both('ack p95', (run) => ack(run).p95, ms, 'ackP95'),
    both('ack p99', (run) => ack(run).p99, ms, 'ackP99'),
    text('ack max', (run) => ms(ack(run).max)),
    ...(parley.warmUp ? [text('warm-up round: acked, ack p50 / p95 / p99', warmUpSummary)] : []),
    text('end-to-end p50 / p95 / p99', (run) => triple([e2e(run).p50, e2e(run).p95, e2e(run).p99])),
    both(`deliveries/s${offeredText(offered.deliveriesPerSecond)}`, deliveriesPerSecond, perSecond, 'deliveriesPerSecond'),
    text(
      'lost / duplicated / out-of-order',
      (run) => `${count(run.check.lost)} / ${count(run.check.duplicated)} / ${count(run.check.outOfOrder)}`,
      'integrity',
    ),
    text('clients with every ack, once, in order', (run) => `${count(run.check.perfectClients)} of ${count(run.check.clients)}`),
    both('server CPU', (run) => run.usage.serverCpuSeconds, seconds),
    both('server CPU per delivery', cpuPerDelivery, micros, 'cpuPerDelivery'),
    both('server RSS (all processes)', (run) => run.usage.rssAfter, bytes),
    both('client CPU', (run) => run.usage.clientCpuSeconds, seconds),
    text('other processes / irq / steal CPU', (run) => otherLoad(run.usage)),
    text(`machine busy (${os.availableParallelism()} cores)`, (run) => percent(run.usage.machineBusy)),
  ];
}

const offeredText = (rate: number): string => (Number.isFinite(rate) ? ` (offered ${count(rate)}/s)` : '');

/** `lost / duplicated / out-of-order` all zero. */
export const intact: Target = {
  text: '0 / 0 / 0',
  met: (parley) => parley.check.lost === 0 && parley.check.duplicated === 0 && parley.check.outOfOrder === 0,
};

/** The warm-up round's outcome (see TrafficPlan.warmUpMs): what a cold server does at first. */
function warmUpSummary(run: TrafficRun): string {
  if (!run.warmUp) return '';
  const { p50, p95, p99 } = percentiles(run.warmUp.ackMs);
  return `${count(run.warmUp.ackedOffsets.length)}, ${triple([p50, p95, p99])}`;
}
