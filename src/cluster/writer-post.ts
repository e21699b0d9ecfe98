import type { StoredMessage } from '../store/store.js';
import type { WriteBatchReplies } from '../store/index.js';

/** One thing the node's writer tells a worker: the replies to one of its batches, or what the other workers stored. */
export type WriterNews = { readonly replies: WriteBatchReplies } | { readonly appended: readonly StoredMessage[] };

/**
 * The writer's news for each worker, posted as one IPC message per worker per commit, in
 * the order it was posted (commit order).
 *
 * Why: a commit usually holds batches of both workers, and each worker hears both of its
 * reply and of the other's messages; sent one by one, that is two IPC writes (and two
 * JSON encodings and reads) per worker per commit. Measured in durable-writes: the
 * primary's write calls per message fell from 1.28 to 0.78; the throughput did not move
 * beyond the machine's noise (docs/benchmarks.md, "Fewer writes per message, same figures").
 */
export class WriterPost<W> {
  private readonly pending = new Map<W, WriterNews[]>();
  private scheduled = false;

  constructor(private readonly send: (worker: W, items: readonly WriterNews[]) => void) {}

  /** Queues `news` for `worker`; everything queued in one run of microtasks leaves together. */
  post(worker: W, news: WriterNews): void {
    const items = this.pending.get(worker);
    if (items) items.push(news);
    else this.pending.set(worker, [news]);
    if (this.scheduled) return;
    this.scheduled = true;
    // A tick runs once the microtasks drain, and every batch of a commit resolves in the
    // microtasks that follow the read of its result: all of them are in, and the replies
    // still leave before the room's next batch is sent (GroupCommit waits for setImmediate).
    process.nextTick(() => this.deliver());
  }

  private deliver(): void {
    this.scheduled = false;
    const pending = [...this.pending];
    this.pending.clear();
    for (const [worker, items] of pending) this.send(worker, items);
  }
}
