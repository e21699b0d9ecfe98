import type { AccountStore } from '../accounts.js';
import type { MentionStore } from '../mentions.js';
import type { IntegrationStore } from '../integrations.js';
import type { OutboxStore } from '../outbox.js';
import type { RetentionStore } from '../retention.js';
import type { SsoStore } from '../sso.js';
import type { CommandStore } from '../commands.js';
import type { FileMetaStore } from '../files.js';
import type { ExportStore } from '../exports.js';
import type { ModerationStore } from '../moderation.js';
import type { RoomStore } from '../rooms.js';
import type { SearchStore } from '../search.js';
import type { ThreadStore } from '../threads.js';
import type { PinStore } from '../pins.js';
import { StoreUnavailableError, type AppendResult, type MessageDraft, type Room, type Store, type StoredMessage } from '../store.js';
import { SqliteStore } from './sqlite-store.js';
import { writesThrough, type SendWrite, type WriteMethod, type WriteSignature } from '../writer/write-calls.js';
import { WriterClient, type WriteChannel } from '../writer/writer-client.js';

/**
 * A cluster worker's SQLite store: reads on its own connection, writes sent to the one
 * writer the primary runs (./sqlite-writer.ts). A write resolves after the writer
 * committed it, so a read that follows it on this connection sees it (WAL).
 */
export class SharedWriterSqliteStore implements Store {
  readonly historyEpoch: string;
  readonly rooms: RoomStore;
  readonly accounts: AccountStore;
  readonly moderation: ModerationStore;
  readonly search: SearchStore;
  readonly mentions: MentionStore;
  readonly integrations: IntegrationStore;
  readonly threads: ThreadStore;
  readonly pins: PinStore;
  readonly outbox: OutboxStore;
  readonly retention: RetentionStore;
  readonly sso: SsoStore;
  readonly commands: CommandStore;
  readonly files: FileMetaStore;
  readonly exports: ExportStore;
  /**
   * Read-only, so that a write missing from the table of writes (../writer/write-calls.ts)
   * fails loudly instead of quietly taking the write lock beside the writer.
   */
  private readonly reads: SqliteStore;
  private readonly writer: WriterClient;
  private writerClosing: Promise<void> | undefined;

  constructor(
    file: string,
    private readonly channel: WriteChannel,
  ) {
    this.reads = new SqliteStore(file, { readOnly: true });
    this.writer = new WriterClient(channel);
    this.historyEpoch = this.reads.historyEpoch;
    const send: SendWrite = (method, args) => this.write(method, args);
    this.rooms = writesThrough('rooms', this.reads.rooms, send);
    this.accounts = writesThrough('accounts', this.reads.accounts, send);
    this.moderation = writesThrough('moderation', this.reads.moderation, send);
    this.mentions = writesThrough('mentions', this.reads.mentions, send);
    this.integrations = writesThrough('integrations', this.reads.integrations, send);
    this.threads = writesThrough('threads', this.reads.threads, send);
    this.outbox = writesThrough('outbox', this.reads.outbox, send);
    this.retention = writesThrough('retention', this.reads.retention, send);
    this.sso = writesThrough('sso', this.reads.sso, send);
    this.commands = writesThrough('commands', this.reads.commands, send);
    this.files = writesThrough('files', this.reads.files, send);
    this.search = this.reads.search;
    // Pins only read: pin and unpin events are written by appendMessage.
    this.pins = this.reads.pins;
    this.exports = this.reads.exports;
  }

  /** Asks the writer itself: it alone takes the write lock. */
  checkWritable(): Promise<void> {
    return this.write('checkWritable', []);
  }

  /** The writer's host tells every worker what the others stored (src/cluster/primary.ts). */
  watchAppends(listener: (messages: readonly StoredMessage[]) => void): () => void {
    return this.channel.onAppended(listener);
  }

  appendMessage(draft: MessageDraft): Promise<AppendResult> {
    return this.write('appendMessage', [draft]);
  }

  messagesAfter(roomId: number, afterOffset: number, limit: number): Promise<StoredMessage[]> {
    return this.reads.messagesAfter(roomId, afterOffset, limit);
  }

  roomHead(roomId: number): Promise<number> {
    return this.reads.roomHead(roomId);
  }

  roomByName(name: string): Promise<Room | undefined> {
    return this.reads.roomByName(name);
  }

  /** Waits for the replies to every write sent, then closes the reading connection. */
  close(): Promise<void> {
    this.writerClosing ??= this.writer.close().then(() => this.reads.close());
    return this.writerClosing;
  }

  private write<M extends WriteMethod>(method: M, args: Parameters<WriteSignature<M>>): ReturnType<WriteSignature<M>> {
    type Result = ReturnType<WriteSignature<M>>;
    if (this.writerClosing) return Promise.reject(new StoreUnavailableError('store is closing')) as Result;
    // The writer runs that very method itself, so its result has that method's type.
    return this.writer.call({ method, args } as never) as Result;
  }
}
