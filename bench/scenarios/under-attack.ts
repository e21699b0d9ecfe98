import { Attackers } from '../attack/attackers.js';
import type { AttackName, AttackPlan, AttackReport, DataPlan } from '../attack/protocol.js';
import { dataSize, GENERAL_ROOM_ID, memberName, SECRET_WORD, seedData, type DataSize } from '../attack/seed-data.js';
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
const DATA_ADDRESS = '127.0.0.50';
const GUEST_ADDRESS = '127.0.0.51';
/** The members one message of the data attack names. */
const MENTIONED = 20;
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

/**
 * The data attack's paces, each within its limits: searches under search.user (30 / 10 s),
 * completions under members.user (60 / 10 s), fresh guests under room-list.address (150 /
 * 10 s) and rooms.address (300 / 10 s); reactions and mentions far under messages.user
 * (400 / 2 s), whose full budget would measure fan-out, not the queries.
 */
function dataPlan(size: DataSize): DataPlan {
  const step = Math.max(1, Math.floor(size.members / MENTIONED));
  return {
    address: DATA_ADDRESS,
    guestAddress: GUEST_ADDRESS,
    roomId: GENERAL_ROOM_ID,
    oldestMessages: size.generalMessages,
    secretWord: SECRET_WORD,
    memberNames: Array.from({ length: Math.min(MENTIONED, size.members) }, (_, index) => memberName(1 + index * step)),
    searchesPerSecond: 2.5,
    reactionsPerSecond: 20,
    mentionsPerSecond: 2,
    completionsPerSecond: 5,
    guestsPerSecond: 10,
  };
}

function attackPlan(url: string, attacks: readonly AttackName[], durationMs: number, size: DataSize): AttackPlan {
  return {
    url,
    attacks,
    maxMs: WARM_UP_MS + durationMs + ATTACK_MARGIN_MS,
    slow: { connections: SLOW_CONNECTIONS, addresses: SLOW_ADDRESSES, byteIntervalMs: 1_000, rampPer100Ms: 50 },
    flood: { connections: FLOOD_CONNECTIONS, address: FLOOD_ADDRESS, inFlight: 32, maxEvents: 2_000_000 },
    login: { addresses: LOGIN_ADDRESSES, ownerAddress: LOGIN_OWNER_ADDRESS, maxAttemptsPerConnection: 2_000_000 },
    data: dataPlan(size),
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

/** Whether both runs hold the data attack's history: when it is among the attacks, so the quiet run is measured at the same size. */
const seeded = (options: BenchOptions): boolean => options.attacks.includes('data') && options.target === undefined;

async function runOnce(options: BenchOptions, attacks: readonly AttackName[] | undefined): Promise<{ run: TrafficRun; window: AttackWindow }> {
  const plan = busyRoomPlan(options.durationSeconds);
  const size = dataSize(options.dataPercent);
  const seed = seeded(options) ? (databaseUrl: string) => seedData(databaseUrl, size) : undefined;
  // A seeded history is not empty: the clients start at its head (traffic.ts asks for it).
  const server = openParley(options, SERVER_ENV, seed).then((opened) => (seed ? { ...opened, fresh: false } : opened));
  return using(server, async (server) => {
    const window = new AttackWindow(server, attacks === undefined ? undefined : attackPlan(server.url, attacks, plan.durationMs, size));
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
  const { slow, flood, login, data } = report;
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
  for (const step of data?.steps ?? []) {
    const answers = outcomes(step.answers);
    row(`data: ${step.what}, ${step.perSecond}/s`, `${count(step.sent)} sent, ${answers}; answered in ${ms(step.p50Ms)} (p50) / ${ms(step.p99Ms)} (p99)`);
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
    data: `data: 4 guests from ${DATA_ADDRESS} search for a word found only in other people's direct rooms and for one-letter prefixes, react to old messages of general, send messages naming ${MENTIONED} members and complete member names, while fresh guests from ${GUEST_ADDRESS} list their rooms and join general (rows "data:" give each pace)`,
  };
  return attacks.map((name) => text[name]).join('; ');
}

function dataNote(size: DataSize, percent: number): string {
  return `Both runs start on a history seeded before the server starts (${percent} % of the size the data attacks were found at): ${count(size.generalMessages)} messages in general, ${count(size.directRooms * size.perDirectRoom)} in ${count(size.directRooms)} direct rooms of other people, ${count(size.members)} members of general; the busy room's clients start at its head.`;
}

/**
 * The busy room twice, on two fresh clusters: quiet, then while a slow-connection attack,
 * an event flood, a login-guessing run and the data attack's reads (`--attacks` narrows
 * them) go on from other addresses, in a process of their own. With the data attack both
 * runs hold its seeded history (`--data-scale`). The attacked run's ack p99 must stay
 * within 2x of the quiet run's, with nothing lost.
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
        ...(seeded(options) ? [dataNote(dataSize(options.dataPercent), options.dataPercent)] : []),
      ],
    };
  },
};
