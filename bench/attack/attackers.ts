import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { AttackCommand, AttackPlan, AttackReply, AttackReport } from './protocol.js';

const workerEntry = fileURLToPath(new URL('./attack-worker.ts', import.meta.url));
/** Registering the account and ramping up the slow connections take a few seconds at most. */
const START_TIMEOUT_MS = 30_000;
/** Stopping waits for the owner's login and for answers in flight (at most 10 s each). */
const STOP_TIMEOUT_MS = 30_000;

/**
 * The attacker process, runner side: forks attack-worker.ts, starts its attacks and, at
 * stop, collects what they achieved. The process is ended by its own PID only.
 */
export class Attackers {
  private constructor(private readonly child: ChildProcess) {}

  /** Forks the attacker process and starts `plan`; resolves once every attack is under way. */
  static async start(plan: AttackPlan): Promise<Attackers> {
    const child = fork(workerEntry, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const attackers = new Attackers(child);
    try {
      await attackers.ask('started', START_TIMEOUT_MS, { type: 'start', plan });
    } catch (error) {
      await attackers.end();
      throw error;
    }
    return attackers;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Stops every attack, collects the report and makes sure the process has exited. */
  async stop(): Promise<AttackReport> {
    try {
      const reply = await this.ask('report', STOP_TIMEOUT_MS, { type: 'stop' });
      if (reply.type !== 'report') throw new Error(`attacker process: expected 'report', got '${reply.type}'`);
      return reply.report;
    } finally {
      await this.end();
    }
  }

  private async end(): Promise<void> {
    const { child } = this;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    if (child.connected) child.disconnect();
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(killer);
  }

  private ask(expected: AttackReply['type'], timeoutMs: number, command: AttackCommand): Promise<AttackReply> {
    const { child } = this;
    return new Promise((resolve, reject) => {
      const cleanup = (): void => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`attacker process ${child.pid} gave no '${expected}' reply in ${timeoutMs} ms`));
      }, timeoutMs);
      const onMessage = (message: unknown): void => {
        const reply = message as AttackReply;
        cleanup();
        if (reply.type === 'error') reject(new Error(`attacker process ${child.pid}: ${reply.message}`));
        else if (reply.type !== expected) reject(new Error(`attacker process ${child.pid}: expected '${expected}', got '${reply.type}'`));
        else resolve(reply);
      };
      const onExit = (code: number | null): void => {
        cleanup();
        reject(new Error(`attacker process ${child.pid} exited (${code}) before replying '${expected}'`));
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send(command);
    });
  }
}
