import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { LatencyHistogram } from '../stats.js';
import type {
  AwaitedReply,
  RecoveredReply,
  ClientKind,
  Command,
  ConnectedReply,
  Reply,
  SendCommand,
  SentReply,
} from './protocol.js';

const workerEntry = fileURLToPath(new URL('./client-worker.ts', import.meta.url));
/** A command whose reply takes longer than its own bound plus this is a hung client process. */
const REPLY_GRACE_MS = 60_000;

/** Merged results of all client processes, in the shapes the scenarios use. */
export interface ConnectResult {
  readonly connectMs: LatencyHistogram;
  readonly connected: number;
  readonly failed: number;
  /** From the first handshake begun to the last one finished, in ms. */
  readonly wallMs: number;
  readonly startedAt: number;
}

export interface SendResult {
  readonly sent: number;
  readonly ackedOffsets: number[];
  readonly duplicateAcks: number;
  readonly failures: Record<string, number>;
  readonly ackMs: LatencyHistogram;
  /** Every acknowledged send: when it was sent and how long its acknowledgement took. */
  readonly acks: readonly { readonly sentAt: number; readonly ms: number }[];
  readonly firstSendAt: number;
  readonly lastSendAt: number;
  readonly lastAckAt: number;
}

export interface DeliveryResult {
  readonly reachedAt: number[];
  /** Per client, its received offsets in arrival order. */
  readonly logs: Int32Array[];
  readonly endToEndMs: LatencyHistogram;
  readonly deliveries: number;
  readonly firstDeliveryAt: number;
  readonly lastDeliveryAt: number;
  readonly disconnects: number;
}

/**
 * Client processes on the runner's side: forks them, splits clients and senders among
 * them, and merges their replies. Processes are ended by their own PID only.
 */
export class ClientPool {
  private constructor(private readonly children: ChildProcess[]) {}

  static start(processes: number): ClientPool {
    const children = Array.from({ length: processes }, () =>
      fork(workerEntry, [], { execArgv: ['--import', 'tsx'], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
    );
    return new ClientPool(children);
  }

  /** PIDs of the client processes, for CPU accounting. */
  get pids(): number[] {
    return this.children.flatMap((child) => (child.pid === undefined ? [] : [child.pid]));
  }

  async connect(options: {
    urls: readonly string[];
    kind: ClientKind;
    clients: number;
    startOffset: number;
    concurrency: number;
    timeoutMs: number;
    expectThroughOffset?: number;
    localAddresses?: readonly string[];
  }): Promise<ConnectResult> {
    const shares = split(options.clients, this.children.length);
    const concurrency = split(options.concurrency, this.children.length);
    const replies = await Promise.all(
      this.children.map((child, index) =>
        this.ask<ConnectedReply>(child, 'connected', options.timeoutMs * 2 + REPLY_GRACE_MS, {
          type: 'connect',
          ...options,
          clients: shares[index] ?? 0,
          concurrency: Math.max(1, concurrency[index] ?? 1),
        }),
      ),
    );
    const connectMs = new LatencyHistogram();
    for (const reply of replies) connectMs.merge(reply.connectMs);
    const startedAt = Math.min(...replies.map((reply) => reply.startedAt));
    return {
      connectMs,
      connected: sum(replies.map((reply) => reply.connected)),
      failed: sum(replies.map((reply) => reply.failed)),
      wallMs: Math.max(...replies.map((reply) => reply.finishedAt)) - startedAt,
      startedAt,
    };
  }

  /** `senders` are spread over the processes; every process starts at the same instant. */
  async send(options: Omit<SendCommand, 'type' | 'senders' | 'startAt'> & { senders: number }): Promise<SendResult> {
    const shares = split(options.senders, this.children.length);
    const startAt = performance.timeOrigin + performance.now() + 100;
    const bound = options.durationMs + options.settleTimeoutMs + REPLY_GRACE_MS;
    const replies = await Promise.all(
      this.children.map((child, index) =>
        this.ask<SentReply>(child, 'sent', bound, { ...options, type: 'send', senders: shares[index] ?? 0, startAt }),
      ),
    );
    const ackMs = new LatencyHistogram();
    const failures: Record<string, number> = {};
    for (const reply of replies) {
      ackMs.merge(reply.ackMs);
      for (const [reason, count] of Object.entries(reply.failures)) failures[reason] = (failures[reason] ?? 0) + count;
    }
    const finite = (values: number[]) => values.filter((value) => Number.isFinite(value));
    return {
      sent: sum(replies.map((reply) => reply.sent)),
      ackedOffsets: replies.flatMap((reply) => Array.from(reply.ackedOffsets)),
      duplicateAcks: sum(replies.map((reply) => reply.duplicateAcks)),
      failures,
      ackMs,
      acks: replies.flatMap((reply) => {
        const pairs: { sentAt: number; ms: number }[] = [];
        for (let at = 0; at + 1 < reply.ackLog.length; at += 2) pairs.push({ sentAt: reply.ackLog[at] ?? 0, ms: reply.ackLog[at + 1] ?? 0 });
        return pairs;
      }),
      firstSendAt: Math.min(...finite(replies.map((reply) => reply.firstSendAt))),
      lastSendAt: Math.max(...finite(replies.map((reply) => reply.lastSendAt))),
      lastAckAt: Math.max(...finite(replies.map((reply) => reply.lastAckAt))),
    };
  }

  /** Waits until every client holds `throughOffset` (or the timeout) and collects what they received. */
  async deliveries(throughOffset: number, timeoutMs: number): Promise<DeliveryResult> {
    const replies = await Promise.all(
      this.children.map((child) =>
        this.ask<AwaitedReply>(child, 'awaited', timeoutMs + REPLY_GRACE_MS, { type: 'await', throughOffset, timeoutMs }),
      ),
    );
    const endToEndMs = new LatencyHistogram();
    const logs: Int32Array[] = [];
    for (const reply of replies) {
      endToEndMs.merge(reply.endToEndMs);
      let at = 0;
      for (const length of reply.logLengths) {
        logs.push(reply.logs.subarray(at, at + length));
        at += length;
      }
    }
    const finite = (values: number[]) => values.filter((value) => Number.isFinite(value));
    return {
      reachedAt: replies.flatMap((reply) => Array.from(reply.reachedAt)),
      logs,
      endToEndMs,
      deliveries: sum(replies.map((reply) => reply.deliveries)),
      firstDeliveryAt: Math.min(...finite(replies.map((reply) => reply.firstDeliveryAt))),
      lastDeliveryAt: Math.max(...finite(replies.map((reply) => reply.lastDeliveryAt))),
      disconnects: sum(replies.map((reply) => reply.disconnects)),
    };
  }

  /**
   * Waits until every client that was on `node` at `since` is connected again and
   * has received a message sent after it came back (so, delivery being in order, everything
   * before it too), or `timeoutMs`; merges what each process saw.
   */
  async recovery(node: string, since: number, timeoutMs: number): Promise<Omit<RecoveredReply, 'type'>> {
    const replies = await Promise.all(
      this.children.map((child) => this.ask<RecoveredReply>(child, 'recovered', timeoutMs + REPLY_GRACE_MS, { type: 'recovery', node, since, timeoutMs })),
    );
    const latest = (values: number[]): number => values.reduce((max, value) => (Number.isNaN(value) ? max : Number.isNaN(max) ? value : Math.max(max, value)), Number.NaN);
    return {
      clients: sum(replies.map((reply) => reply.clients)),
      lost: sum(replies.map((reply) => reply.lost)),
      notBack: sum(replies.map((reply) => reply.notBack)),
      notCaughtUp: sum(replies.map((reply) => reply.notCaughtUp)),
      lastBackAt: latest(replies.map((reply) => reply.lastBackAt)),
      lastCaughtUpAt: latest(replies.map((reply) => reply.lastCaughtUpAt)),
      connectErrors: sum(replies.map((reply) => reply.connectErrors)),
      connectErrorReasons: replies.reduce<Record<string, number>>((all, reply) => {
        for (const [reason, n] of Object.entries(reply.connectErrorReasons)) all[reason] = (all[reason] ?? 0) + n;
        return all;
      }, {}),
    };
  }

  /** Closes every client, then makes sure each client process has exited. */
  async close(): Promise<void> {
    await Promise.all(
      this.children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, 'exit');
        await this.ask(child, 'closed', 10_000, { type: 'close' }).catch(() => undefined);
        const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(killer);
      }),
    );
  }

  private ask<R extends Reply>(child: ChildProcess, expected: R['type'], timeoutMs: number, command: Command): Promise<R> {
    return new Promise((resolve, reject) => {
      const cleanup = (): void => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`client process ${child.pid} gave no '${expected}' reply in ${timeoutMs} ms`));
      }, timeoutMs);
      const onMessage = (message: unknown): void => {
        const reply = message as Reply;
        cleanup();
        if (reply.type === 'error') reject(new Error(`client process ${child.pid}: ${reply.message}`));
        else if (reply.type !== expected) reject(new Error(`client process ${child.pid}: expected '${expected}', got '${reply.type}'`));
        else resolve(reply as R);
      };
      const onExit = (code: number | null): void => {
        cleanup();
        reject(new Error(`client process ${child.pid} exited (${code}) before replying '${expected}'`));
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send(command);
    });
  }
}

/** `total` split into `parts` near-equal whole shares. */
function split(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, index) => Math.floor(total / parts) + (index < total % parts ? 1 : 0));
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
