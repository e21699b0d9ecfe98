import type pg from 'pg';
import { StoreUnavailableError, type AppendResult, type MessageDraft, type StoredMessage } from '../store.js';
import { WriterClient, type WriteChannel } from '../writer/writer-client.js';
import { PostgresStore, type PoolOptions } from './postgres-store.js';

/**
 * A cluster worker's PostgreSQL store: its appends go to the node's one writer (the
 * primary's event loop, ./node-writer.ts), everything else runs on its own pool. So a
 * room's messages from every worker of the node share one batch, no two workers of a node
 * take turns on a room's lock, and each worker hears of the others' messages from the
 * writer in commit order (`watchAppends`) rather than after its own, through the adapter.
 * Other nodes still hear of them through the adapter (src/delivery/inbound.ts).
 */
export class SharedWriterPostgresStore extends PostgresStore {
  private readonly writer: WriterClient;
  private writerClosing: Promise<void> | undefined;

  private constructor(
    pool: pg.Pool,
    epoch: string,
    private readonly channel: WriteChannel,
  ) {
    super(pool, epoch);
    this.writer = new WriterClient(channel);
  }

  /** Connects this worker's pool (the writer applied the migrations before it started). */
  static async openShared(
    connectionString: string,
    channel: WriteChannel,
    report?: (note: string) => void,
    poolOptions?: PoolOptions,
  ): Promise<SharedWriterPostgresStore> {
    const { pool, epoch } = await PostgresStore.connect(connectionString, report ?? (() => undefined), poolOptions);
    return new SharedWriterPostgresStore(pool, epoch, channel);
  }

  override appendMessage(draft: MessageDraft): Promise<AppendResult> {
    if (this.writerClosing) return Promise.reject(new StoreUnavailableError('store is closing'));
    // The writer runs Store.appendMessage itself, so its result is an AppendResult.
    return this.writer.call({ method: 'appendMessage', args: [draft] }) as Promise<AppendResult>;
  }

  /** The primary tells every worker what the others stored through the writer (src/cluster/primary.ts). */
  watchAppends(listener: (messages: readonly StoredMessage[]) => void): () => void {
    return this.channel.onAppended(listener);
  }

  /** Waits for the replies to every append sent, then closes the pool. */
  override close(): Promise<void> {
    this.writerClosing ??= this.writer.close().then(() => super.close());
    return this.writerClosing;
  }
}
