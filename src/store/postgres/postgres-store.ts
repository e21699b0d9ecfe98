import pg from 'pg';
import type { AccountStore } from '../accounts.js';
import { KeyedGroupCommit } from '../group-commit.js';
import {
  StoreUnavailableError,
  UnknownRoomError,
  UnstorableDraftError,
  type AppendResult,
  type MessageDraft,
  type Room,
  type Store,
  type StoredMessage,
} from '../store.js';
import type { MentionStore } from '../mentions.js';
import type { ThreadStore } from '../threads.js';
import type { ModerationStore } from '../moderation.js';
import type { SearchStore } from '../search.js';
import type { RoomStore } from '../rooms.js';
import { SchemaTooNewError } from '../schema-version.js';
import { appendRoomBatch, MESSAGE_COLUMNS, toMessage, type MessageRow } from './append-batch.js';
import { PostgresAccounts, type Query } from './accounts.js';
import { PostgresModeration } from './moderation.js';
import { PostgresSearch } from './search.js';
import { PostgresMentions } from './mentions.js';
import { PostgresIntegrations } from './integrations.js';
import { PostgresRetention } from './retention.js';
import { PostgresFiles } from './files.js';
import type { FileMetaStore } from '../files.js';
import { PostgresExports } from './exports.js';
import type { ExportStore } from '../exports.js';
import type { RetentionStore } from '../retention.js';
import { PostgresSso } from './sso.js';
import type { SsoStore } from '../sso.js';
import { PostgresCommands } from './commands.js';
import type { CommandStore } from '../commands.js';
import type { IntegrationStore } from '../integrations.js';
import { PostgresThreads } from './threads.js';
import { PostgresPins } from './pins.js';
import type { PinStore } from '../pins.js';
import { PostgresOutbox } from './outbox.js';
import type { OutboxStore } from '../outbox.js';
import { PostgresRooms } from './rooms.js';
import { withClient } from './checkout.js';
import { unstorableDraft } from '../unstorable.js';
import { isDataError, isRetryable, sqlState, toStoreError, UNIQUE_VIOLATION } from './errors.js';
import { settleHistoryEpoch } from './history-epoch.js';
import { migrate } from './migrations.js';
import { MeteredPool, type PoolObserver } from './metered-pool.js';

/**
 * Connections per process (PARLEY_PG_POOL_SIZE). Appends use one per room with a batch in
 * flight (rooms are written side by side); catch-up reads share the rest. Small on purpose:
 * every worker of every node, and each node's primary (its writer), opens its own pool, and
 * PostgreSQL's default `max_connections` is 100 (./connection-budget.ts checks at start).
 */
export const DEFAULT_POOL_SIZE = 8;

/** A process's pool: its size, and who is told of its use (the metrics). */
export interface PoolOptions {
  /** @default DEFAULT_POOL_SIZE */
  readonly size?: number;
  readonly observer?: PoolObserver;
}
/** How long an operation waits for a free connection or a new one before it is unavailable. */
const CONNECT_TIMEOUT_MS = 5000;
/**
 * Server-side limits. A statement waiting on a room lock longer than this fails (retryable)
 * instead of holding its client's acknowledgement forever; a process frozen mid-transaction
 * (SIGSTOP, a debugger) loses its transaction and so its room lock. A killed process needs
 * neither: the server rolls back when the socket closes.
 */
const STATEMENT_TIMEOUT_MS = 10_000;
const IDLE_IN_TRANSACTION_TIMEOUT_MS = 10_000;
/** Whole-batch retries after PostgreSQL rolled the batch back (deadlock, serialization failure). */
const CONFLICT_RETRIES = 3;
/**
 * SQLSTATEs after which the batch's transaction is known to be rolled back and is safe to
 * rerun. A unique violation cannot come from another Parley writer (keys are looked up
 * under the room lock), only from one that bypassed the lock: rerun, and the key is found.
 */
const RERUNNABLE = new Set(['40001', '40P01', UNIQUE_VIOLATION]);
/** `rooms.id` is a PostgreSQL `integer`: anything else can name no room. */
const MAX_ROOM_ID = 2 ** 31 - 1;

/**
 * The backend for more than one machine: every worker of every node opens a small pool to
 * one PostgreSQL database.
 *
 * Durability: an append resolves after its transaction's COMMIT returned, and that
 * transaction never runs with `synchronous_commit = off` (see ./append-function.ts), so its WAL
 * record is flushed to disk by then.
 *
 * Writes: drafts are batched per room (group commit: while a room's batch is in flight its
 * next one accumulates), and each batch is one statement, one round trip (see
 * `appendRoomBatch`). Batches of different rooms run side by side on separate connections.
 *
 * Ordering: offsets are assigned under the room row's lock, held from inside the statement
 * to its commit (see ./append-function.ts), so they are gap-free per room and commit in
 * offset order across any number of processes.
 *
 * Errors: anything a retry may fix (connection refused or lost, server restarting,
 * deadlock, timeouts) rejects with `StoreUnavailableError`; messages carry only the
 * SQLSTATE, never PostgreSQL's text (it can quote data), which stays in `cause` for logs.
 * A connection lost during an append leaves unknown whether it committed: a batch whose
 * drafts all carry idempotency keys is run again (what committed is found by its key), any
 * other is reported unavailable, and the client's retry resolves it. A batch PostgreSQL
 * refused for some draft's data (`isDataError`) was rolled back whole; the group commit
 * splits it until that draft alone rejects, with `UnstorableDraftError`, and the others
 * are stored.
 */
export class PostgresStore implements Store {
  private readonly appends: KeyedGroupCommit<number, MessageDraft, AppendResult>;
  private closing: Promise<void> | undefined;
  /** Accounts, sessions and names: ./accounts.ts, on this pool. */
  readonly accounts: AccountStore;
  /** Rooms, members and read markers: ./rooms.ts, on this pool. */
  readonly rooms: RoomStore;
  /** Roles, bans, mutes and the audit log: ./moderation.ts, on this pool. */
  readonly moderation: ModerationStore;
  /** Full-text search: ./search.ts, on this pool. */
  readonly search: SearchStore;
  /** Mentions and member completion: ./mentions.ts, on this pool. */
  readonly mentions: MentionStore;
  /** Bots and incoming webhooks: ./integrations.ts, on this pool. */
  readonly integrations: IntegrationStore;
  /** Thread follows, read markers and summaries: ./threads.ts, on this pool. */
  readonly threads: ThreadStore;
  /** Pinned messages: ./pins.ts, on this pool. */
  readonly pins: PinStore;
  /** Outgoing webhooks and their outbox: ./outbox.ts, on this pool. */
  readonly outbox: OutboxStore;
  /** Room retention rules: ./retention.ts, on this pool. */
  readonly retention: RetentionStore;
  /** Single sign-on identities and flows: ./sso.ts, on this pool. */
  readonly sso: SsoStore;
  /** Registered slash commands and room topics: ./commands.ts. */
  readonly commands: CommandStore;
  /** Uploaded files' metadata: ./files.ts, on this pool. */
  readonly files: FileMetaStore;
  /** The paged reads of data exports: ./exports.ts, on this pool. */
  readonly exports: ExportStore;

  protected constructor(
    private readonly pool: pg.Pool,
    readonly historyEpoch: string,
    observeCommit?: (items: number, seconds: number) => void,
  ) {
    this.appends = new KeyedGroupCommit(
      (draft) => draft.roomId,
      (roomId, drafts) => this.writeWithRetry(roomId, drafts),
      { isolate: (error) => error instanceof UnstorableDraftError, observe: observeCommit },
    );
    // Each part runs its queries through `query`, so failures report as the store's errors.
    const query: Query = (operation, text, values) => this.query(operation, text, values);
    this.accounts = new PostgresAccounts(pool, query);
    this.rooms = new PostgresRooms(pool, query);
    this.moderation = new PostgresModeration(pool, query);
    this.search = new PostgresSearch(query);
    this.mentions = new PostgresMentions(query);
    this.integrations = new PostgresIntegrations(pool, query);
    this.threads = new PostgresThreads(query);
    this.pins = new PostgresPins(query);
    this.outbox = new PostgresOutbox(pool, query);
    this.retention = new PostgresRetention(query);
    this.sso = new PostgresSso(pool, query);
    this.commands = new PostgresCommands(pool, query);
    this.files = new PostgresFiles(pool, query);
    this.exports = new PostgresExports(query);
  }

  /**
   * Connects to `connectionString` (a `postgres://` URL) and applies missing migrations.
   * `report` gets what a migration tells the operator; by default a process warning.
   */
  static async open(
    connectionString: string,
    report: (note: string) => void = (note) => process.emitWarning(note, 'ParleyMigration'),
    observeCommit?: (items: number, seconds: number) => void,
    poolOptions: PoolOptions = {},
  ): Promise<PostgresStore> {
    const { pool, epoch } = await PostgresStore.connect(connectionString, report, poolOptions);
    return new PostgresStore(pool, epoch, observeCommit);
  }

  /** A pool on `connectionString` with the migrations applied, and the database's history epoch (./history-epoch.ts). */
  protected static async connect(
    connectionString: string,
    report: (note: string) => void,
    poolOptions: PoolOptions = {},
  ): Promise<{ pool: pg.Pool; epoch: string }> {
    const pool = new MeteredPool(
      {
        connectionString,
        max: poolOptions.size ?? DEFAULT_POOL_SIZE,
        connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
        statement_timeout: STATEMENT_TIMEOUT_MS,
        idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS,
      },
      poolOptions.observer,
    );
    // An idle connection that breaks (server restart) is dropped by the pool; without a
    // listener the 'error' event would crash the process. The next query reconnects or
    // reports StoreUnavailableError itself.
    pool.on('error', () => undefined);
    let epoch: string;
    try {
      for (const note of await migrate(pool)) report(note);
      epoch = await settleHistoryEpoch(pool);
    } catch (error) {
      await pool.end().catch(() => undefined);
      // The operator must read this one as it is: no retry can help.
      if (error instanceof SchemaTooNewError) throw error;
      throw toStoreError(error, 'migration');
    }
    return { pool, epoch };
  }

  async checkWritable(): Promise<void> {
    const ask = () => this.query<{ standby: boolean }>('readiness', 'SELECT pg_is_in_recovery() AS standby', []);
    // Once more on failure: after an outage the pool may hand out a connection that died with it.
    const { rows } = await ask().catch(ask);
    if (rows[0]?.standby !== false) throw new StoreUnavailableError('PostgreSQL is a read-only standby');
  }

  appendMessage(draft: MessageDraft): Promise<AppendResult> {
    if (this.closing) return Promise.reject(new StoreUnavailableError('store is closing'));
    if (!isRoomId(draft.roomId)) return Promise.reject(new UnknownRoomError(`no room ${draft.roomId}`));
    // Refused here, alone, as SQLite refuses it: inside a batch it would cost a split.
    const unstorable = unstorableDraft(draft);
    if (unstorable) return Promise.reject(unstorable);
    return this.appends.submit(draft);
  }

  async messagesAfter(roomId: number, afterOffset: number, limit: number): Promise<StoredMessage[]> {
    if (!isRoomId(roomId)) return [];
    const { rows } = await this.query<MessageRow>(
      'messagesAfter',
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [roomId, Math.floor(afterOffset), Math.max(0, Math.floor(limit))],
    );
    return rows.map(toMessage);
  }

  async roomHead(roomId: number): Promise<number> {
    const row = isRoomId(roomId)
      ? (await this.query<{ head: string }>('roomHead', 'SELECT head FROM rooms WHERE id = $1', [roomId])).rows[0]
      : undefined;
    if (!row) throw new UnknownRoomError(`no room ${roomId}`);
    return Number(row.head);
  }

  async roomByName(name: string): Promise<Room | undefined> {
    const { rows } = await this.query<Room>('roomByName', 'SELECT id, name FROM rooms WHERE name = $1', [name]);
    return rows[0];
  }

  close(): Promise<void> {
    this.closing ??= this.appends.drain().then(() => this.pool.end());
    return this.closing;
  }

  private async query<Row extends pg.QueryResultRow>(operation: string, text: string, values: unknown[]): Promise<pg.QueryResult<Row>> {
    // Reads still run while close() drains appends; after it, the ended pool refuses them
    // and that becomes StoreUnavailableError like any other client-side failure.
    try {
      return await this.pool.query<Row>(text, values);
    } catch (error) {
      throw toStoreError(error, operation);
    }
  }

  private async writeWithRetry(roomId: number, drafts: MessageDraft[]): Promise<(AppendResult | Error)[]> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await withClient(this.pool, (client) => appendRoomBatch(client, roomId, drafts));
      } catch (error) {
        const code = sqlState(error);
        // A broken connection leaves unknown whether the statement committed. A batch whose
        // drafts all carry keys can run again safely: what did commit is found by its key
        // (and reported as a duplicate). A pooled connection the server closed while idle
        // (a restart) fails that way too, so this also spares those batches the error. Once
        // only: a server that stays unreachable is reported as such without further waits.
        const keyed = drafts.every((draft) => draft.idempotencyKey !== null);
        const rerunnable = (code !== undefined && RERUNNABLE.has(code)) || (attempt === 0 && keyed && isRetryable(error));
        if (!rerunnable || attempt >= CONFLICT_RETRIES) {
          // Rolled back because of some draft's data: the group commit splits the batch to find it.
          if (isDataError(error)) throw new UnstorableDraftError(`PostgreSQL refused the draft (SQLSTATE ${code})`, { cause: error });
          throw toStoreError(error, 'append');
        }
        await new Promise((resolve) => setTimeout(resolve, 10 * 2 ** attempt));
      }
    }
  }
}

const isRoomId = (roomId: number): boolean => Number.isInteger(roomId) && roomId > 0 && roomId <= MAX_ROOM_ID;
