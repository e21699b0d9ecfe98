import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Store } from '../../src/store/store.js';
import type { WriterConfig, WriterReport } from './writer-protocol.js';

const writerScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'append-writer.ts');

/** An acknowledged append, as its writer reported it. */
export interface Ack {
  readonly text: string;
  readonly roomId: number;
  readonly offset: number;
}

/** A running writer process (test/store/append-writer.ts) and what it has reported so far. */
export interface Writer {
  readonly pid: number;
  readonly acks: Ack[];
  readonly failures: Extract<WriterReport, { type: 'failure' }>[];
  readonly ready: Promise<void>;
  /** Resolves with the time the writer spent appending, once it finished all of them. */
  readonly done: Promise<number>;
  /** Resolves with the exit code, or the signal that ended it. */
  readonly exited: Promise<number | NodeJS.Signals | null>;
  go(): void;
  /** Resolves when at least `count` acks have arrived. */
  acked(count: number, timeoutMs?: number): Promise<void>;
  kill(signal: NodeJS.Signals): void;
}

/** Writers still running; killed if the test process exits first, so none outlives it. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Marks a promise handled (a test that kills a writer never awaits its `done`); awaiting it still throws. */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/** Forks a writer with tsx and starts collecting its reports. */
export function startWriter(config: WriterConfig): Writer {
  const child = fork(writerScript, [JSON.stringify(config)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const acks: Ack[] = [];
  const failures: Writer['failures'] = [];
  const waiters = new Set<() => void>();
  let markReady: () => void = () => undefined;
  let markDone: (elapsedMs: number) => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const done = new Promise<number>((resolve) => (markDone = resolve));
  child.on('message', (report: WriterReport) => {
    if (report.type === 'ready') markReady();
    if (report.type === 'done') markDone(report.elapsedMs);
    if (report.type === 'failure') failures.push(report);
    if (report.type === 'acks') {
      for (const [index, roomId, offset] of report.acks) acks.push({ text: `${config.writerId}:${index}`, roomId, offset });
      for (const waiter of waiters) waiter();
    }
  });
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const failOnExit = <T>(promise: Promise<T>, what: string): Promise<T> =>
    Promise.race([
      promise,
      exited.then((status): never => {
        throw new Error(`writer ${config.writerId} exited (${status}) before ${what}: ${stderr}`);
      }),
    ]);
  running.add(child);
  child.once('exit', () => running.delete(child));
  return {
    pid: child.pid ?? -1,
    acks,
    failures,
    ready: handled(failOnExit(ready, 'ready')),
    done: handled(failOnExit(done, 'done')),
    exited,
    go: () => child.send('go'),
    acked: (count, timeoutMs = 30_000) =>
      failOnExit(
        new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`writer ${config.writerId}: ${acks.length} of ${count} acks in time`)), timeoutMs);
          const check = (): void => {
            if (acks.length < count) return;
            clearTimeout(timer);
            waiters.delete(check);
            resolve();
          };
          waiters.add(check);
          check();
        }),
        `${count} acks`,
      ),
    kill: (signal) => void child.kill(signal),
  };
}

/**
 * Reads a whole room and asserts the storage promises: offsets are exactly 1..head with no
 * gap or repeat, no text (each one a unique key) is stored twice, and every acknowledged
 * append is stored at the offset it was acknowledged with. Returns the room's head.
 */
export async function assertRoomIntact(store: Store, roomId: number, acks: readonly Ack[]): Promise<number> {
  const offsetByText = new Map<string, number>();
  let expected = 1;
  for (let page = 0; page < 10_000; page++) {
    const messages = await store.messagesAfter(roomId, expected - 1, 1000);
    if (messages.length === 0) break;
    for (const message of messages) {
      assert.equal(message.offset, expected, `room ${roomId}: offset ${expected} is next, no gap or repeat`);
      assert.ok(!offsetByText.has(message.text), `room ${roomId}: ${message.text} is stored once`);
      offsetByText.set(message.text, message.offset);
      expected++;
    }
  }
  const head = expected - 1;
  assert.equal(await store.roomHead(roomId), head, `room ${roomId}: roomHead is the last offset`);
  const lost = acks.filter((ack) => ack.roomId === roomId && offsetByText.get(ack.text) !== ack.offset);
  assert.deepEqual(lost.slice(0, 5), [], `room ${roomId}: ${lost.length} acknowledged appends missing or moved`);
  return head;
}
