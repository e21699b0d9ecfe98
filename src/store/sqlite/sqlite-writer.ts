import { Worker } from 'node:worker_threads';
import type { Logger } from '../../log.js';
import { toWireError, unavailableReplies as unavailable, type WriteBatch, type WriteBatchReplies } from '../writer/write-calls.js';
import type { FromWriterThread, ToWriterThread, WriterThreadData } from './writer-thread.js';

/** How long to wait before starting a writer thread again after it died. */
const RESTART_DELAY_MS = 1000;

interface Pending {
  readonly workerBatch: WriteBatch;
  readonly resolve: (replies: WriteBatchReplies) => void;
}

/**
 * The one writer of a SQLite file shared by cluster workers, run by the primary in a
 * worker thread (./writer-thread.ts); the workers send it every write
 * (./shared-writer-store.ts) and read through their own connections. (PostgreSQL's node
 * writer is ../postgres/node-writer.ts.)
 *
 * Why: with a connection per worker, every worker that commits waits for the others' write
 * lock inside SQLite's busy handler, which sleeps its whole event loop for 1 to 100 ms at a
 * time, and every fsync blocks the loop that delivers messages too. With one writer there
 * is no lock to wait for, the appends of all workers share group commits, and the workers'
 * loops never wait for the disk.
 */
export class SqliteWriter {
  private thread: Worker | undefined;
  private started: Promise<void>;
  private readonly pending = new Map<number, Pending>();
  private nextBatch = 1;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly file: string,
    private readonly log: Logger,
    private readonly observeCommit: ((items: number, seconds: number) => void) | undefined,
  ) {
    this.started = this.startThread();
  }

  /** Starts the writer thread; resolves once it has opened (and migrated) the database. `observeCommit` is told of each group commit. */
  static async start(file: string, log: Logger, observeCommit?: (items: number, seconds: number) => void): Promise<SqliteWriter> {
    const writer = new SqliteWriter(file, log, observeCommit);
    await writer.started;
    return writer;
  }

  /**
   * Runs a worker's batch of write calls; resolves with one reply per call, never rejects.
   * When the writer cannot take them (closing, thread died), every call fails with
   * StoreUnavailableError, which callers treat as "try again later".
   */
  async execute(workerBatch: WriteBatch): Promise<WriteBatchReplies> {
    if (this.closing) return unavailable(workerBatch, 'store is closing');
    try {
      await this.started;
    } catch (error) {
      return unavailable(workerBatch, `SQLite writer could not start: ${toWireError(error).message}`);
    }
    const thread = this.thread;
    if (!thread) return unavailable(workerBatch, 'SQLite writer is restarting');
    const batch = this.nextBatch++;
    return new Promise((resolve) => {
      this.pending.set(batch, { workerBatch, resolve });
      const message: ToWriterThread = { kind: 'batch', batch: { batch, calls: workerBatch.calls } };
      thread.postMessage(message);
    });
  }

  /** Lets the thread finish the calls it has, closes the database, ends the thread. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.started.catch(() => undefined);
      const thread = this.thread;
      if (!thread) return;
      const closed = waitForMessage(thread, 'closed');
      thread.postMessage({ kind: 'close' } satisfies ToWriterThread);
      await closed;
      this.thread = undefined;
      await thread.terminate();
    })();
    return this.closing;
  }

  private startThread(): Promise<void> {
    // Compiled code only: a worker thread does not inherit a TypeScript loader.
    const thread = new Worker(new URL('./writer-thread.js', import.meta.url), {
      workerData: { file: this.file } satisfies WriterThreadData,
      // Its own V8 heap: with the default young generation, bursts of writes (a guest-name
      // lease per new connection) grow it by tens of MB that it then keeps.
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
    });
    const ready = waitForMessage(thread, 'ready');
    thread.on('message', (message: FromWriterThread) => {
      if (message.kind === 'ready') for (const note of message.notes) this.log.warn(note);
      if (message.kind !== 'replies') return;
      for (const [items, seconds] of message.commits) this.observeCommit?.(items, seconds);
      const pending = this.pending.get(message.replies.batch);
      if (!pending) return;
      this.pending.delete(message.replies.batch);
      pending.resolve({ batch: pending.workerBatch.batch, replies: message.replies.replies });
    });
    thread.on('error', (error) => this.log.error({ err: error }, 'SQLite writer thread failed'));
    thread.on('exit', (code) => {
      if (this.thread !== thread) return;
      this.thread = undefined;
      // Whatever the thread was writing may or may not have committed: the callers' retries
      // are idempotent, so failing them as unavailable is safe.
      for (const [batch, pending] of this.pending) {
        this.pending.delete(batch);
        pending.resolve(unavailable(pending.workerBatch, 'SQLite writer stopped'));
      }
      if (this.closing) return;
      this.log.error({ code }, 'SQLite writer thread exited; starting it again');
      this.started = new Promise((resolve) => setTimeout(resolve, RESTART_DELAY_MS)).then(() => this.startThread());
      // Callers learn of a failed restart from execute(); nobody else awaits it.
      this.started.catch(() => undefined);
    });
    this.thread = thread;
    return ready;
  }
}


/** Resolves on the thread's first message of this kind; rejects if it fails or exits first. */
function waitForMessage(thread: Worker, kind: FromWriterThread['kind']): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: FromWriterThread): void => {
      if (message.kind !== kind) return;
      cleanUp();
      resolve();
    };
    const onError = (error: Error): void => {
      cleanUp();
      reject(error);
    };
    const onExit = (code: number): void => {
      cleanUp();
      reject(new Error(`SQLite writer thread exited with code ${code}`));
    };
    const cleanUp = (): void => {
      thread.off('message', onMessage);
      thread.off('error', onError);
      thread.off('exit', onExit);
    };
    thread.on('message', onMessage);
    thread.on('error', onError);
    thread.on('exit', onExit);
  });
}
