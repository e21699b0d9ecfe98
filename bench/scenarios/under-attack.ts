import { Attackers } from '../attack/attackers.js';
import type { AttackName, AttackPlan, AttackReport } from '../attack/protocol.js';
import { snapshot, cpuSecondsBetween, type UsageSnapshot } from '../process-usage.js';
import { count, ms, seconds } from '../report.js';
import type { ServerUnderTest } from '../server-process.js';
import { percentiles } from '../stats.js';
import { busyRoomPlan } from './busy-room.js';
import { openParley, using, type BenchOptions, type Row, type Scenario } from './scenario.js';
import { runTraffic, type SideLoad, type TrafficRun } from './traffic.js';
import { intact, trafficRows } from './traffic-rows.js';

/** Loopback addresses of the attackers (Linux routes all of 127.0.0.0/8 to lo); the busy room's clients use 127.0.0.1. */
const loopback = (from: number, count: number): string[] => Array.from({ length: count }, (_, index) => `127.0.0.${from + index}`);
const SLOW_CONNECTIONS = 500;
/** 16 addresses of about 31 connections: just under the default per-address cap of 32 pending connections. */
const SLOW_ADDRESSES = loopback(2, 16);
const FLOOD_CONNECTIONS = 4;
const FLOOD_ADDRESS = '127.0.0.20';
const LOGIN_OWNER_ADDRESS = '127.0.0.30';
const LOGIN_ADDRESSES = loopback(31, 4);
/** Time for the attacks to reach their full strength before the first message is sent. */
const WARM_UP_MS = 1_500;
/** Beyond the sending phase, how long the attacks may go on before they stop by themselves. */
const ATTACK_MARGIN_MS = 120_000;

/**
 * The server settings of both runs. The per-address session cap is raised (as for every
 * scenario) because the busy room's 100 users all connect from 127.0.0.1; the pending-
 * connection caps and the request-line deadline are put back to Parley's defaults, as they
 * are what the slow-connection attack meets in production.
 */
const SERVER_ENV = {
  PARLEY_MAX_PENDING_PER_ADDRESS: '32',
  PARLEY_MAX_PENDING_CONNECTIONS: '1024',
  PARLEY_HEAD_TIMEOUT_MS: '5000',
};

function attackPlan(url: string, attacks: readonly AttackName[], durationMs: number): AttackPlan {
  return {
    url,
    attacks,
    maxMs: WARM_UP_MS + durationMs + ATTACK_MARGIN_MS,
    slow: { connections: SLOW_CONNECTIONS, addresses: SLOW_ADDRESSES, byteIntervalMs: 1_000, rampPer100Ms: 50 },
    flood: { connections: FLOOD_CONNECTIONS, address: FLOOD_ADDRESS, inFlight: 32, maxEvents: 2_000_000 },
    login: { addresses: LOGIN_ADDRESSES, ownerAddress: LOGIN_OWNER_ADDRESS, maxAttemptsPerConnection: 2_000_000 },
  };
}

/** CPU of the primary and of the workers between start and stop of a side load. */
interface WindowCpu {
  readonly primarySeconds: number;
  readonly workerSeconds: number;
  readonly wallSeconds: number;
}

/**
 * The window of one run, from the end of the connections to the end of the deliveries: it
 * reads the server's CPU by process, and in the attacked run starts and stops the attackers.
 */
class AttackWindow implements SideLoad {
  cpu: WindowCpu | undefined;
  report: AttackReport | undefined;
  private attackers: Attackers | undefined;
  private before: UsageSnapshot | undefined;
  private primaryPid: number | undefined;
  private startedAt = 0;

  constructor(
    private readonly server: ServerUnderTest,
    private readonly plan: AttackPlan | undefined,
  ) {}

  async start(): Promise<void> {
    const pids = this.server.pids();
    this.primaryPid = pids[0]; // processTree lists the root (the primary) first
    this.before = snapshot(pids);
    this.startedAt = performance.now();
    if (this.plan) this.attackers = await Attackers.start(this.plan);
    await new Promise((resolve) => setTimeout(resolve, WARM_UP_MS));
  }

  async stop(): Promise<void> {
    if (this.attackers) this.report = await this.attackers.stop();
    const after = snapshot(this.server.pids());
    const before = this.before ?? after;
    const primary = (shot: UsageSnapshot): number => (this.primaryPid === undefined ? 0 : (shot.cpuByPid.get(this.primaryPid) ?? 0));
    const all = cpuSecondsBetween(before, after);
    const primarySeconds = primary(after) - primary(before);
    this.cpu = { primarySeconds, workerSeconds: all - primarySeconds, wallSeconds: (performance.now() - this.startedAt) / 1000 };
  }
}

async function runOnce(options: BenchOptions, attacks: readonly AttackName[] | undefined): Promise<{ run: TrafficRun; window: AttackWindow }> {
  const plan = busyRoomPlan(options.durationSeconds);
  return using(openParley(options, SERVER_ENV), async (server) => {
    const window = new AttackWindow(server, attacks === undefined ? undefined : attackPlan(server.url, attacks, plan.durationMs));
    const run = await runTraffic(server, 'socketio', plan, options, window);
    return { run, window };
  });
}

const p99 = (run: TrafficRun): number => percentiles(run.send.ackMs).p99;

/** `RATE_LIMITED 1,234, UNKNOWN_EVENT 100` */
function outcomes(answers: Record<string, number>): string {
  const entries = Object.entries(answers).sort(([, a], [, b]) => b - a);
  return entries.length === 0 ? 'none' : entries.map(([outcome, times]) => `${outcome} ${count(times)}`).join(', ');
}

function attackRows(report: AttackReport | undefined): Row[] {
  if (!report) return [];
  const rows: Row[] = [];
  const row = (metric: string, parley: string): void => void rows.push({ metric, parley });
  const { slow, flood, login } = report;
  if (slow) {
    row('slow: connections open at peak', count(slow.peakOpen));
    row('slow: opened / answered 503 / cut unanswered / never connected', `${count(slow.opened)} / ${count(slow.refused)} / ${count(slow.cut)} / ${count(slow.errors)}`);
    row('slow: cut connections held (shortest / longest)', `${ms(slow.heldMinMs)} / ${ms(slow.heldMaxMs)}`);
  }
  if (flood) {
    row('flood: events emitted / unanswered', `${count(flood.emitted)} / ${count(flood.unanswered)}`);
    row('flood: answers', outcomes(flood.answers));
    row('flood: connections opened / closed by the server / refused', `${count(flood.connectionsOpened)} / ${count(flood.closedByServer)} / ${count(flood.connectFailures)}`);
  }
  if (login) {
    row('login: wrong-password attempts / unanswered', `${count(login.attempts)} / ${count(login.unanswered)}`);
    row('login: answers', outcomes(login.answers));
    row("login: the owner's own login during the attack", `${login.ownerLogin.outcome} in ${ms(login.ownerLogin.ms)}`);
  }
  row('attacks on (s) / attacker process CPU', `${seconds(report.durationMs / 1000)} / ${seconds(report.cpuSeconds)}`);
  return rows;
}

/** What each attack of `attacks` does, for the notes. */
function describe(attacks: readonly AttackName[]): string {
  const text: Record<AttackName, string> = {
    slow: `slow: ${SLOW_CONNECTIONS} TCP connections from ${SLOW_ADDRESSES.length} addresses (${SLOW_ADDRESSES[0]}–${SLOW_ADDRESSES.at(-1)}), each sending its request line one byte a second, reopened 50 ms after it is cut or refused`,
    flood: `flood: ${FLOOD_CONNECTIONS} socket.io connections from ${FLOOD_ADDRESS}, each keeping 32 events awaiting an answer (in turn an unknown event, a chat message with an invalid payload, room:list, typing into general), a new connection when one is closed`,
    login: `login: 1 account registered from ${LOGIN_OWNER_ADDRESS}, then 1 connection from each of ${LOGIN_ADDRESSES.join(', ')} tries wrong passwords, the next as soon as the last is answered`,
  };
  return attacks.map((name) => text[name]).join('; ');
}

/**
 * The busy room twice, on two fresh clusters: quiet, then while a slow-connection attack,
 * an event flood and a login-guessing run (`--attacks` narrows them) go on from other
 * addresses, in a process of their own. The attacked run's ack p99 must stay within 2x
 * of the quiet run's, with nothing lost.
 */
export const underAttack: Scenario = {
  name: 'under-attack',
  async run(options) {
    const quiet = await runOnce(options, undefined);
    const attacked = await runOnce(options, options.attacks);
    const plan = busyRoomPlan(options.durationSeconds);
    const offered = plan.senders * plan.ratePerSender;
    const cpuRow = (metric: string, value: (cpu: WindowCpu) => number): Row => {
      const a = attacked.window.cpu;
      const q = quiet.window.cpu;
      return {
        metric,
        parley: a ? seconds(value(a)) : 'n/a',
        raw: q ? seconds(value(q)) : 'n/a',
        ratio: a && q && value(q) > 0 ? `${(value(a) / value(q)).toFixed(2)}x` : '',
      };
    };
    const rows: Row[] = [
      ...trafficRows({ parley: attacked.run, raw: quiet.run }, { messagesPerSecond: offered, deliveriesPerSecond: offered * plan.clients }, {
        acked: { text: 'all', met: (run) => run.send.ackedOffsets.length === run.send.sent },
        ackP99: { text: '<= 2x quiet', met: (run, quietRun) => quietRun !== undefined && p99(run) <= 2 * p99(quietRun) },
        integrity: intact,
      }),
      cpuRow('window (attacks on, wall)', (cpu) => cpu.wallSeconds),
      cpuRow('primary CPU in the window', (cpu) => cpu.primarySeconds),
      cpuRow('workers CPU in the window', (cpu) => cpu.workerSeconds),
      ...attackRows(attacked.window.report),
    ];
    return {
      name: this.name,
      title: `the busy room (${plan.clients} clients, ${plan.senders} send ${plan.ratePerSender} msg/s each for ${options.durationSeconds} s), quiet and under attack (${options.attacks.join(', ')})`,
      columns: { parley: 'under attack', raw: 'quiet', ratio: 'attack/quiet' },
      rows,
      notes: [
        `Attacks, from a process of their own, from ${WARM_UP_MS / 1000} s before the first send to the last delivery: ${describe(options.attacks)}.`,
        'The two runs use two fresh clusters with the same settings: Parley defaults for the pending-connection caps (1,024, 32 per address) and the 5 s request-line deadline; the per-address session cap raised, since the busy room\'s 100 users share 127.0.0.1.',
        'On a 2-core machine the attackers\' own CPU (row "attacker process CPU") competes with the server\'s and the clients\', so the ratio to the quiet run is pessimistic.',
        'No raw ws column: the quiet run is the baseline. attack/quiet divides the attacked run\'s figure by the quiet one\'s.',
      ],
    };
  },
};
