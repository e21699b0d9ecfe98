import type { Socket } from 'socket.io-client';
import { LatencyHistogram, percentiles } from '../stats.js';
import { outcomeOf, tally } from './answers.js';
import { attackerSocket } from './attacker-socket.js';
import type { DataPlan, DataReport, DataStep } from './protocol.js';

const ANSWER_TIMEOUT_MS = 10_000;
const CONNECT_TIMEOUT_MS = 5_000;

/** One kind of request, sent at a steady pace (skipping a beat while the last is unanswered). */
class Paced {
  readonly answers: Record<string, number> = {};
  readonly ms = new LatencyHistogram();
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private sent = 0;
  private unanswered = 0;

  constructor(
    private readonly perSecond: number,
    private readonly send: () => Promise<unknown>,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.beat(), 1000 / this.perSecond);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  report(what: string): DataStep {
    const { p50, p99 } = percentiles(this.ms);
    return { what, perSecond: this.perSecond, sent: this.sent, unanswered: this.unanswered, answers: { ...this.answers }, p50Ms: p50, p99Ms: p99 };
  }

  private async beat(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.sent += 1;
    const start = performance.now();
    try {
      tally(this.answers, outcomeOf(await this.send()));
      this.ms.record(performance.now() - start);
    } catch {
      this.unanswered += 1;
    } finally {
      this.busy = false;
    }
  }
}

async function connect(url: string, address: string): Promise<Socket> {
  const socket = attackerSocket(url, address);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`attacker connection from ${address} timed out`)), CONNECT_TIMEOUT_MS);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
  return socket;
}

const ask = (socket: Socket, event: string, payload: unknown): Promise<unknown> => socket.timeout(ANSWER_TIMEOUT_MS).emitWithAck(event, payload);

/** The head of `general` as a fresh guest's room list shows it. */
async function generalHead(socket: Socket, roomId: number): Promise<number> {
  const answer = (await ask(socket, 'room:list', {})) as { ok: boolean; data?: { id: number; head: number }[] };
  return answer.data?.find((room) => room.id === roomId)?.head ?? 0;
}

/**
 * Work that grew with the data (issue 22, item 10), each paced within its rate limits, from
 * guests of one address (and fresh guests of another): searches for a word found only in
 * other people's direct rooms and for one-letter prefixes, reactions on old messages of
 * `general` (each checks the message is live), messages naming 20 members, `room:members`
 * completions, and fresh guests each listing their rooms and joining `general` (each counts
 * its unread messages). Every connection starts at the head of the history.
 */
export class DataAttacks {
  private readonly sockets = new Set<Socket>();
  private readonly steps: { what: string; paced: Paced }[] = [];
  private stopped = false;
  private guestsOpened = 0;

  constructor(
    private readonly url: string,
    private readonly plan: DataPlan,
  ) {}

  async start(): Promise<void> {
    const { plan } = this;
    const open = async (): Promise<Socket> => {
      const socket = await connect(this.url, plan.address);
      this.sockets.add(socket);
      return socket;
    };
    const [searcher, reactor, writer, completer] = await Promise.all([open(), open(), open(), open()]);
    if (!searcher || !reactor || !writer || !completer) throw new Error('attacker connections missing');
    const head = await generalHead(writer, plan.roomId);
    for (const socket of [reactor, writer, completer]) await ask(socket, 'room:join', { roomId: plan.roomId, after: head });

    let sequence = 0;
    const queries = [plan.secretWord, 'q x z j', 'j z', plan.secretWord];
    const names = plan.memberNames.map((name) => `@${name}`).join(' ');
    const prefixes = ['m', 'me', 'mem', 'member0', 'member1'];
    this.add(`search:messages ("${plan.secretWord}", "q x z j", "j z")`, plan.searchesPerSecond, () =>
      ask(searcher, 'search:messages', { query: queries[sequence++ % queries.length] }),
    );
    this.add('message:react on old messages of general (react and take back)', plan.reactionsPerSecond, () => {
      const target = 1 + Math.floor(Math.random() * plan.oldestMessages);
      return ask(reactor, 'message:react', { roomId: plan.roomId, target, emoji: '👍', on: sequence % 2 === 0, clientId: `react-${sequence++}` });
    });
    this.add(`message:send naming ${plan.memberNames.length} members`, plan.mentionsPerSecond, () =>
      ask(writer, 'message:send', { roomId: plan.roomId, text: `${names} hello`, clientId: `mention-${sequence++}` }),
    );
    this.add('room:members completions', plan.completionsPerSecond, () =>
      ask(completer, 'room:members', { roomId: plan.roomId, prefix: prefixes[sequence++ % prefixes.length] }),
    );
    this.add(`fresh guests from ${plan.guestAddress}: room:list, then room:join general`, plan.guestsPerSecond, () => this.freshGuest());
    for (const step of this.steps) step.paced.start();
  }

  async stop(): Promise<DataReport> {
    this.stopped = true;
    for (const step of this.steps) step.paced.stop();
    for (const socket of this.sockets) socket.disconnect();
    return { steps: this.steps.map((step) => step.paced.report(step.what)), guestsOpened: this.guestsOpened };
  }

  private add(what: string, perSecond: number, send: () => Promise<unknown>): void {
    this.steps.push({ what, paced: new Paced(perSecond, send) });
  }

  /** A new guest (a new session): lists its rooms and joins `general` at its head; answers the join. */
  private async freshGuest(): Promise<unknown> {
    if (this.stopped) return { ok: false, error: 'stopped' };
    const socket = await connect(this.url, this.plan.guestAddress);
    this.guestsOpened += 1;
    try {
      const head = await generalHead(socket, this.plan.roomId);
      return await ask(socket, 'room:join', { roomId: this.plan.roomId, after: head });
    } finally {
      socket.disconnect();
    }
  }
}
