import type { Socket } from 'socket.io-client';
import { outcomeOf, tally } from './answers.js';
import { attackerSocket } from './attacker-socket.js';
import type { LoginPlan, LoginReport } from './protocol.js';

const ANSWER_TIMEOUT_MS = 10_000;
const CONNECT_TIMEOUT_MS = 5_000;
const PASSWORD = 'the-owners-real-password';

/** One socket.io connection from `localAddress`, connected (or an Error after the timeout). */
async function connectFrom(url: string, localAddress: string): Promise<Socket> {
  const socket = attackerSocket(url, localAddress);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no connection from ${localAddress} in ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
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

async function ask(socket: Socket, event: string, payload: unknown): Promise<string> {
  try {
    return outcomeOf(await socket.timeout(ANSWER_TIMEOUT_MS).emitWithAck(event, payload));
  } catch {
    return 'unanswered';
  }
}

/**
 * Password guessing against one real account: registers it from the owner's address, then
 * one connection per attacker address tries wrong passwords, the next as soon as the last is
 * answered, until stopped or `plan.maxAttemptsPerConnection`. At stop, the owner logs in
 * with the right password from a fresh connection of their own address.
 */
export class LoginGuessing {
  private stopped = false;
  private attempts = 0;
  private unanswered = 0;
  private readonly answers: Record<string, number> = {};
  private readonly sockets: Socket[] = [];
  private loops: Promise<void>[] = [];
  private readonly username = `owner${Math.floor(Math.random() * 1e9)}`;

  constructor(
    private readonly url: string,
    private readonly plan: LoginPlan,
  ) {}

  /** Registers the account and opens the guessing connections; the guessing then runs by itself. */
  async start(): Promise<void> {
    const owner = await connectFrom(this.url, this.plan.ownerAddress);
    const registered = await ask(owner, 'account:register', { username: this.username, password: PASSWORD });
    owner.disconnect();
    if (registered !== 'ok') throw new Error(`could not register the attacked account: ${registered}`);
    for (const address of this.plan.addresses) this.sockets.push(await connectFrom(this.url, address));
    this.loops = this.sockets.map((socket) => this.guess(socket));
  }

  /** The owner's login, then stops guessing and answers what happened. */
  async stop(): Promise<LoginReport> {
    const startedAt = performance.now();
    let outcome: string;
    try {
      const owner = await connectFrom(this.url, this.plan.ownerAddress);
      outcome = await ask(owner, 'account:login', { username: this.username, password: PASSWORD });
      owner.disconnect();
    } catch (error) {
      outcome = `no connection: ${error instanceof Error ? error.message : String(error)}`;
    }
    const ownerLogin = { ok: outcome === 'ok', outcome, ms: performance.now() - startedAt };
    this.stopped = true;
    await Promise.all(this.loops);
    for (const socket of this.sockets) socket.disconnect();
    return { attempts: this.attempts, answers: { ...this.answers }, unanswered: this.unanswered, ownerLogin };
  }

  private async guess(socket: Socket): Promise<void> {
    for (let attempt = 0; attempt < this.plan.maxAttemptsPerConnection && !this.stopped && socket.connected; attempt++) {
      this.attempts += 1;
      const outcome = await ask(socket, 'account:login', { username: this.username, password: `wrong-guess-${attempt}` });
      if (outcome === 'unanswered') this.unanswered += 1;
      else tally(this.answers, outcome);
    }
  }
}
