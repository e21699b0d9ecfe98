import { StoreUnavailableError, type StoredMessage } from '../store.js';
import { fromWireError, type WriteBatch, type WriteBatchReplies, type WriteCall, type WriteReply } from './write-calls.js';

/**
 * How a worker reaches its node's writer: node:cluster IPC to the primary, wired by
 * src/cluster/worker.ts. The store does not know what carries the batches.
 */
export interface WriteChannel {
  send(batch: WriteBatch): void;
  /** Registers the one listener for replies; returns the function that removes it. */
  onReplies(listener: (replies: WriteBatchReplies) => void): () => void;
  /**
   * Registers the one listener for the messages other processes stored through the same
   * writer (see `newlyStored`); returns the function that removes it.
   */
  onAppended(listener: (messages: readonly StoredMessage[]) => void): () => void;
}

interface Waiting {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

/**
 * Sends a worker's write calls to the writer: the calls made during one turn of the event
 * loop travel as one batch (one IPC message), and every batch is sent at once, without
 * waiting for the previous one; the writer merges what arrives together into one commit.
 */
export class WriterClient {
  private turn: { call: WriteCall; waiting: Waiting }[] = [];
  private readonly inFlight = new Map<number, Waiting[]>();
  private nextBatch = 1;
  private readonly stopListening: () => void;
  private settled: (() => void) | undefined;

  constructor(private readonly channel: WriteChannel) {
    this.stopListening = channel.onReplies((replies) => this.settle(replies));
  }

  /** Resolves with the writer's result of the call, or rejects with the error it threw. */
  call(call: WriteCall): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.turn.length === 0) setImmediate(() => this.flush());
      this.turn.push({ call, waiting: { resolve, reject } });
    });
  }

  /** Resolves once every call made so far has its reply; then stops listening. */
  async close(): Promise<void> {
    while (this.turn.length > 0 || this.inFlight.size > 0) {
      await new Promise<void>((resolve) => {
        this.settled = resolve;
        if (this.turn.length > 0) this.flush();
      });
    }
    this.stopListening();
  }

  private flush(): void {
    const turn = this.turn;
    if (turn.length === 0) return;
    this.turn = [];
    const batch = this.nextBatch++;
    this.inFlight.set(
      batch,
      turn.map((entry) => entry.waiting),
    );
    try {
      this.channel.send({ batch, calls: turn.map((entry) => entry.call) });
    } catch (error) {
      this.settle({ batch, replies: turn.map(() => unavailable(error)) });
    }
  }

  private settle({ batch, replies }: WriteBatchReplies): void {
    const waiting = this.inFlight.get(batch);
    if (!waiting) return;
    this.inFlight.delete(batch);
    waiting.forEach((entry, index) => {
      const reply = replies[index] ?? unavailable(new Error('no reply for this call'));
      if (reply.ok) entry.resolve(reply.value);
      else entry.reject(fromWireError(reply.error));
    });
    const settled = this.settled;
    this.settled = undefined;
    settled?.();
  }
}

function unavailable(error: unknown): WriteReply {
  const cause = new StoreUnavailableError(`the store's writer unreachable: ${error instanceof Error ? error.message : String(error)}`);
  return { ok: false, error: { name: cause.name, message: cause.message } };
}
