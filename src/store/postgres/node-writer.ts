import type { Store } from '../store.js';
import { runWriteCall, unavailableReplies, type WriteBatch, type WriteBatchReplies } from '../writer/write-calls.js';

/**
 * The node's writer for PostgreSQL, in the primary's own event loop: its client waits on
 * sockets, never on this thread, so it needs no worker thread (and saves the two hops per
 * append that ../sqlite/sqlite-writer.ts's thread costs). The workers send it their appends
 * (./shared-writer-store.ts).
 *
 * Why: workers that write one room take turns on its row lock, each batch waiting for the
 * other's commit, and each learns of the other's messages one IPC hop after its own, so its
 * feed stalls on the gap (measured, 10 clients closed loop on one room: 825 appends/s with
 * two workers writing for themselves, 2,548 with one worker, 1,346 with two through this
 * writer). One writer per node makes one batch of a room's appends from every worker and
 * tells every worker of them in commit order. Same calls, same replies as the SQLite writer.
 */
export class PostgresNodeWriter {
  private closing: Promise<void> | undefined;

  constructor(private readonly store: Store) {}

  /** Runs a worker's batch of write calls; resolves with one reply per call, never rejects. */
  async execute(workerBatch: WriteBatch): Promise<WriteBatchReplies> {
    if (this.closing) return unavailableReplies(workerBatch, 'store is closing');
    // Started in arrival order, so the appends among them share a commit.
    const replies = await Promise.all(workerBatch.calls.map((call) => runWriteCall(this.store, call)));
    return { batch: workerBatch.batch, replies };
  }

  /** Finishes the calls under way and closes the store. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.store.close();
    return this.closing;
  }
}
