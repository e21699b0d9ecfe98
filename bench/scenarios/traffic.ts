import { ClientPool, type ConnectResult, type DeliveryResult, type SendResult } from '../load/client-pool.js';
import type { ClientKind } from '../load/protocol.js';
import { checkDeliveries, type DeliveryCheck } from '../load/verify.js';
import { measure, type Usage } from '../measure.js';
import { historyHead } from '../probe.js';
import { maxOf } from '../stats.js';
import type { ServerUnderTest } from '../server-process.js';
import { openBareSocketIo, openParley, openRawWs, using, type BenchOptions } from './scenario.js';

/** Bounds on the phases around sending, so a broken server cannot hang the run. */
const CONNECT_TIMEOUT_MS = 20_000;
const SETTLE_TIMEOUT_MS = 45_000;
const DELIVERY_TIMEOUT_MS = 20_000;

/** The warm-up round of the scenarios that have one (see TrafficPlan.warmUpMs). */
export const WARM_UP_MS = 2_000;

/** The report's note on the warm-up, for the scenarios that run one. */
export const warmUpNote = (durationSeconds: number): string =>
  `Each server first takes ${WARM_UP_MS / 1000} s of the same traffic (the warm-up row: a cold server's first moments), then the measured ${durationSeconds} s; lost / duplicated / out-of-order covers both.`;

/** A traffic shape: who connects, who sends, how fast, for how long. */
export interface TrafficPlan {
  readonly clients: number;
  /** The first `senders` clients send (they receive too). */
  readonly senders: number;
  readonly mode: 'open' | 'closed';
  /** Per sender, per second (open loop only). */
  readonly ratePerSender: number;
  readonly durationMs: number;
  readonly maxPerSender: number;
  readonly textLength: number;
  readonly connectConcurrency: number;
  /**
   * A round of the same traffic before the measured one, so that the figures describe a
   * server whose code is compiled and whose heap has grown, as in service, rather than its
   * first second (V8 runs new code interpreted at first). Its messages are checked for
   * loss, duplicates and order with the rest; its acknowledgement latencies are reported
   * apart. 0 or absent: none.
   */
  readonly warmUpMs?: number;
}

export interface TrafficRun {
  readonly connect: ConnectResult;
  /** The warm-up round (see TrafficPlan.warmUpMs), when there was one. */
  readonly warmUp?: SendResult;
  readonly send: SendResult;
  readonly delivery: DeliveryResult;
  readonly check: DeliveryCheck;
  /** Measured from the first send until every client received the last acknowledged offset. */
  readonly usage: Usage;
}

/** One scenario's runs on the same load: Parley, and the baselines that were measured. */
export interface TrafficRuns {
  readonly parley: TrafficRun;
  readonly raw?: TrafficRun;
  readonly socketio?: TrafficRun;
}

/** Work that goes on beside a traffic run (under-attack's attackers). */
export interface SideLoad {
  /** Called once every client is connected, before the first send. */
  start(): Promise<void>;
  /** Called after the deliveries were awaited (inside the measured window), or on failure. */
  stop(): Promise<void>;
}

/**
 * Connects `plan.clients` clients, lets the senders send, waits until every client has
 * received the newest acknowledged offset (or the bound), and checks every client's
 * deliveries against the acknowledged offsets. `during`, if given, runs from the end of
 * the connections to the end of the deliveries.
 */
export async function runTraffic(
  server: ServerUnderTest,
  kind: ClientKind,
  plan: TrafficPlan,
  options: BenchOptions,
  during?: SideLoad,
): Promise<TrafficRun> {
  const startOffset = server.fresh ? 0 : await historyHead(server.url);
  const pool = ClientPool.start(Math.min(options.clientProcesses ?? 1, plan.clients));
  try {
    const connect = await pool.connect({
      urls: server.urls ?? [server.url],
      kind,
      clients: plan.clients,
      startOffset,
      concurrency: plan.connectConcurrency,
      timeoutMs: CONNECT_TIMEOUT_MS,
    });
    let sideRunning = false;
    const stopSide = async (): Promise<void> => {
      if (!sideRunning) return;
      sideRunning = false;
      await during?.stop();
    };
    if (during) {
      await during.start();
      sideRunning = true;
    }
    const round = (durationMs: number, warmUp: boolean): Promise<SendResult> =>
      pool.send({
        senders: plan.senders,
        mode: plan.mode,
        ratePerSender: plan.ratePerSender,
        durationMs,
        maxPerSender: plan.maxPerSender,
        textLength: plan.textLength,
        settleTimeoutMs: SETTLE_TIMEOUT_MS,
        warmUp,
      });
    let warmUp: SendResult | undefined;
    if ((plan.warmUpMs ?? 0) > 0) {
      warmUp = await round(plan.warmUpMs ?? 0, true);
      // Settled before the measured round, so that none of its deliveries lands in it.
      await pool.deliveries(maxOf(warmUp.ackedOffsets, startOffset), DELIVERY_TIMEOUT_MS);
    }
    const { result, usage } = await measure(
      () => server.pids(),
      pool.pids,
      async () => {
        const send = await round(plan.durationMs, false);
        const newest = maxOf(send.ackedOffsets, startOffset);
        const delivery = await pool.deliveries(newest, DELIVERY_TIMEOUT_MS);
        await stopSide();
        return { send, delivery };
      },
    ).finally(stopSide);
    const acked = warmUp ? [...warmUp.ackedOffsets, ...result.send.ackedOffsets] : result.send.ackedOffsets;
    const check = checkDeliveries(result.delivery.logs, acked, startOffset);
    return { connect, ...(warmUp ? { warmUp } : {}), send: result.send, delivery: result.delivery, check, usage };
  } finally {
    await pool.close();
  }
}

/** Acknowledged messages per second, from the first send to the last acknowledgement. */
export function ackedPerSecond(run: TrafficRun): number {
  return run.send.ackedOffsets.length / ((run.send.lastAckAt - run.send.firstSendAt) / 1000);
}

/** Messages received by clients per second, from the first send to the last delivery. */
export function deliveriesPerSecond(run: TrafficRun): number {
  return run.delivery.deliveries / ((run.delivery.lastDeliveryAt - run.send.firstSendAt) / 1000);
}

/** Server CPU microseconds per delivery (NaN when the server's processes are not visible). */
export function cpuPerDelivery(run: TrafficRun): number {
  if (!run.usage.serverVisible) return Number.NaN;
  return (run.usage.serverCpuSeconds * 1e6) / run.delivery.deliveries;
}

/** Sends that did not end in a success acknowledgement, by reason, e.g. `TIMEOUT: 3`. */
export function failureSummary(send: SendResult): string {
  const entries = Object.entries(send.failures).filter(([, count]) => count > 0);
  return entries.length === 0 ? '0' : entries.map(([reason, count]) => `${reason}: ${count}`).join(', ');
}

/**
 * Runs one plan on Parley, then on each baseline the options ask for (raw ws always, bare
 * Socket.IO with --socketio-baseline), one server at a time. `parleyEnv` adds Parley settings.
 */
export async function runOnEveryServer(
  plan: TrafficPlan,
  options: BenchOptions,
  parleyEnv: Readonly<Record<string, string>> = {},
): Promise<TrafficRuns> {
  const parley = await using(openParley(options, parleyEnv), (server) => runTraffic(server, 'socketio', plan, options));
  const socketio = options.socketioBaseline
    ? await using(openBareSocketIo(), (server) => runTraffic(server, 'socketio', plan, options))
    : undefined;
  const raw = await using(openRawWs(), (server) => runTraffic(server, 'raw', plan, options));
  return socketio ? { parley, raw, socketio } : { parley, raw };
}
