import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { AccountStore } from '../accounts.js';
import { GroupCommit } from '../group-commit.js';
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
import type { ModerationStore } from '../moderation.js';
import type { SearchStore } from '../search.js';
import type { RoomStore } from '../rooms.js';
import type { ThreadStore } from '../threads.js';
import { MESSAGE_COLUMNS, toMessage, type MessageRow } from './message-row.js';
import { SqliteAccounts } from './accounts.js';
import { SqliteModeration } from './moderation.js';
import { SqliteSearch } from './search.js';
import { SqliteMentions } from './mentions.js';
import { SqliteIntegrations } from './integrations.js';
import { SqliteRetention } from './retention.js';
import { SqliteFiles } from './files.js';
import type { FileMetaStore } from '../files.js';
import { SqliteExports } from './exports.js';
import type { ExportStore } from '../exports.js';
import type { RetentionStore } from '../retention.js';
import { SqliteSso } from './sso.js';
import type { SsoStore } from '../sso.js';
import { SqliteCommands } from './commands.js';
import type { CommandStore } from '../commands.js';
import type { IntegrationStore } from '../integrations.js';
import { SqliteThreads } from './threads.js';
import { SqlitePins } from './pins.js';
import type { PinStore } from '../pins.js';
import { SqliteOutbox } from './outbox.js';
import type { OutboxStore } from '../outbox.js';
import { migrations } from './migrations.js';
import { refuseNewerSchema } from '../schema-version.js';
import { SqliteRooms } from './rooms.js';
import { readHistoryEpoch, settleHistoryEpoch } from './history-epoch.js';
import { unstorableDraft } from '../unstorable.js';

/** How long one connection waits for another process's write lock before giving up. */
const BUSY_TIMEOUT_MS = 5000;
/** Whole-batch retries after SQLITE_BUSY outlasted the busy timeout. */
const BUSY_RETRIES = 3;

/**
 * The embedded backend: one SQLite file shared by every worker process.
 *
 * Durability: WAL with `synchronous = FULL`, so a commit is fsynced before the append
 * resolves and therefore before the message is acknowledged; it survives kill -9 of the
 * process and a power cut. (NORMAL would survive kill -9 only.) Group commit keeps the
 * fsync count low: measured here, one fsync costs about 0.25 ms. A batch that SQLite
 * refused for some draft's data (`isDataError`) was rolled back whole; the group commit
 * splits it until that draft alone rejects, with `UnstorableDraftError`.
 *
 * Concurrency: under `npm start`, one connection writes (the primary's writer thread,
 * ./sqlite-writer.ts) and each worker reads through its own read-only connection
 * (./shared-writer-store.ts). Several writing connections on one file are still safe (a
 * single-process server beside a cluster, the multi-process tests): writes take the lock
 * up front (`BEGIN IMMEDIATE`) and wait for each other through SQLite's busy handler, so a
 * writer never fails on a lock it could have waited for; what still fails with
 * SQLITE_BUSY is retried before it is reported as `StoreUnavailableError`.
 */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  readonly historyEpoch: string;
  private readonly appends: GroupCommit<MessageDraft, AppendResult>;
  private closing: Promise<void> | undefined;

  private readonly statements;
  /** Rooms, members and read markers: ./rooms.ts, on this connection. */
  readonly rooms: RoomStore;
  /** Accounts, sessions and names: ./accounts.ts, on this connection. */
  readonly accounts: AccountStore;
  /** Roles, bans, mutes and the audit log: ./moderation.ts, on this connection. */
  readonly moderation: ModerationStore;
  /** Full-text search: ./search.ts, on this connection. */
  readonly search: SearchStore;
  /** Mentions and member completion: ./mentions.ts, on this connection. */
  readonly mentions: MentionStore;
  /** Bots and incoming webhooks: ./integrations.ts, on this connection. */
  readonly integrations: IntegrationStore;
  /** Thread follows, read markers and summaries: ./threads.ts, on this connection. */
  readonly threads: ThreadStore;
  /** Pinned messages: ./pins.ts, on this connection. */
  readonly pins: PinStore;
  /** Outgoing webhooks and their outbox: ./outbox.ts, on this connection. */
  readonly outbox: OutboxStore;
  /** Room retention rules: ./retention.ts, on this connection. */
  readonly retention: RetentionStore;
  /** Single sign-on identities and flows: ./sso.ts, on this connection. */
  readonly sso: SsoStore;
  /** Registered slash commands and room topics: ./commands.ts. */
  readonly commands: CommandStore;
  readonly files: FileMetaStore;
  /** The paged reads of data exports: ./exports.ts, on this connection. */
  readonly exports: ExportStore;

  /**
   * @param options.readOnly opens a connection that only reads a database another
   *   connection created, migrated and writes (./shared-writer-store.ts); a write on it throws.
   * @param options.report gets what a migration tells the operator (e.g. names it had to
   *   take from look-alikes); by default a process warning, so it is never silent.
   * @param options.observeCommit is told of each group commit (appends, seconds), for the metrics.
   */
  constructor(
    file: string,
    options: { readOnly?: boolean; report?: (note: string) => void; observeCommit?: (items: number, seconds: number) => void } = {},
  ) {
    if (options.readOnly) {
      this.db = new Database(file, { timeout: BUSY_TIMEOUT_MS, readonly: true, fileMustExist: true });
    } else {
      if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      this.db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      // A redacted text's bytes are overwritten with zeros where they lay in the page, not
      // left in its free space; FAST does so only where no extra page is written.
      this.db.pragma('secure_delete = FAST');
      migrate(this.db, options.report ?? warnOperator);
    }
    this.historyEpoch = options.readOnly ? readHistoryEpoch(this.db) : settleHistoryEpoch(this.db);
    this.db.pragma('foreign_keys = ON');
    this.statements = {
      roomHead: this.db.prepare<[number], { head: number }>('SELECT head FROM rooms WHERE id = ?'),
      roomByName: this.db.prepare<[string], Room>('SELECT id, name FROM rooms WHERE name = ?'),
      byKey: this.db.prepare<[number, string], MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room_id = ? AND idempotency_key = ?`,
      ),
      insert: this.db.prepare(
        `INSERT INTO messages (room_id, seq, idempotency_key, author, content, created_at, kind, target, author_id, client_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      setHead: this.db.prepare('UPDATE rooms SET head = ? WHERE id = ?'),
      after: this.db.prepare<[number, number, number], MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
      ),
    };
    this.appends = new GroupCommit((drafts) => this.writeWithRetry(drafts), {
      isolate: (error) => error instanceof UnstorableDraftError,
      observe: options.observeCommit,
    });
    // Each part runs its statements through `read`, so busy and closed databases report as unavailable.
    const guard = <T>(query: () => T): T => this.read(query);
    this.accounts = new SqliteAccounts(this.db, guard);
    this.rooms = new SqliteRooms(this.db, guard);
    this.moderation = new SqliteModeration(this.db, guard);
    this.search = new SqliteSearch(this.db, guard);
    this.mentions = new SqliteMentions(this.db, guard);
    this.integrations = new SqliteIntegrations(this.db, guard);
    this.threads = new SqliteThreads(this.db, guard);
    this.pins = new SqlitePins(this.db, guard);
    this.outbox = new SqliteOutbox(this.db, guard);
    this.retention = new SqliteRetention(this.db, guard);
    this.sso = new SqliteSso(this.db, guard);
    this.commands = new SqliteCommands(this.db, guard);
    this.files = new SqliteFiles(this.db, guard);
    this.exports = new SqliteExports(this.db, guard);
  }

  checkWritable(): Promise<void> {
    if (this.closing) return Promise.reject(new StoreUnavailableError('store is closing'));
    try {
      // Takes the write lock (waiting up to the busy timeout for another writer) and lets go.
      this.db.exec('BEGIN IMMEDIATE; ROLLBACK');
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(new StoreUnavailableError(`SQLite is not writable: ${(error as Error).message}`, { cause: error }));
    }
  }

  appendMessage(draft: MessageDraft): Promise<AppendResult> {
    if (this.closing) return Promise.reject(new StoreUnavailableError('store is closing'));
    // SQLite would keep these, but PostgreSQL cannot: both backends refuse the same drafts.
    const unstorable = unstorableDraft(draft);
    if (unstorable) return Promise.reject(unstorable);
    return this.appends.submit(draft);
  }

  async messagesAfter(roomId: number, afterOffset: number, limit: number): Promise<StoredMessage[]> {
    return this.read(() => this.statements.after.all(roomId, afterOffset, limit).map(toMessage));
  }

  async roomHead(roomId: number): Promise<number> {
    const row = this.read(() => this.statements.roomHead.get(roomId));
    if (!row) throw new UnknownRoomError(`no room ${roomId}`);
    return row.head;
  }

  async roomByName(name: string): Promise<Room | undefined> {
    return this.read(() => this.statements.roomByName.get(name));
  }

  close(): Promise<void> {
    this.closing ??= this.appends.drain().then(() => {
      this.db.close();
    });
    return this.closing;
  }

  /**
   * Runs a read the way callers expect failures: after close(), better-sqlite3 throws a
   * TypeError, and a read can still meet SQLITE_BUSY (WAL recovery by another process);
   * both may pass if tried later, so both are StoreUnavailableError.
   */
  private read<T>(query: () => T): T {
    if (!this.db.open) throw new StoreUnavailableError('store is closed');
    try {
      return query();
    } catch (error) {
      if (isBusy(error)) throw new StoreUnavailableError('database is busy', { cause: error });
      throw error;
    }
  }

  private async writeWithRetry(drafts: MessageDraft[]): Promise<(AppendResult | Error)[]> {
    for (let attempt = 0; ; attempt++) {
      try {
        return this.writeBatch(drafts);
      } catch (error) {
        // Rolled back because of some draft's data: the group commit splits the batch to find it.
        if (isDataError(error)) throw new UnstorableDraftError(`SQLite refused the draft (${errorCode(error)})`, { cause: error });
        if (!isBusy(error)) throw error;
        if (attempt >= BUSY_RETRIES) throw new StoreUnavailableError('database is busy', { cause: error });
        await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
      }
    }
  }

  private writeBatch(drafts: MessageDraft[]): (AppendResult | Error)[] {
    const { roomHead, byKey, insert, setHead } = this.statements;
    const write = this.db.transaction((): (AppendResult | Error)[] => {
      const heads = new Map<number, number>();
      const outcomes = drafts.map((draft): AppendResult | Error => {
        if (draft.idempotencyKey !== null) {
          const stored = byKey.get(draft.roomId, draft.idempotencyKey);
          if (stored) return { message: toMessage(stored), duplicate: true };
        }
        const head = heads.get(draft.roomId) ?? roomHead.get(draft.roomId)?.head;
        if (head === undefined) return new UnknownRoomError(`no room ${draft.roomId}`);
        const message: StoredMessage = {
          roomId: draft.roomId,
          offset: head + 1,
          author: draft.author,
          text: draft.text,
          createdAt: Date.now(),
          kind: draft.kind ?? 'message',
          target: draft.target ?? null,
          authorId: draft.authorId ?? null,
          clientId: draft.clientId ?? null,
          // Linked by the insert's trigger from the claim that made this list (store/files.ts).
          ...(draft.attachments && draft.attachments.length > 0 ? { attachments: draft.attachments } : {}),
        };
        insert.run(
          message.roomId,
          message.offset,
          draft.idempotencyKey,
          message.author,
          message.text,
          message.createdAt,
          message.kind,
          message.target,
          message.authorId,
          message.clientId,
        );
        heads.set(draft.roomId, message.offset);
        return { message, duplicate: false };
      });
      for (const [roomId, head] of heads) setHead.run(head, roomId);
      return outcomes;
    });
    return write.immediate();
  }
}

const warnOperator = (note: string): void => process.emitWarning(note, 'ParleyMigration');

function isBusy(error: unknown): boolean {
  return error instanceof Database.SqliteError && (error.code === 'SQLITE_BUSY' || error.code.startsWith('SQLITE_BUSY_'));
}

/**
 * True when SQLite refused a statement because of the data it carried: a constraint
 * (CHECK, NOT NULL, a trigger's RAISE), a value too big or of the wrong type, or a value
 * better-sqlite3 cannot bind (it throws TypeError or RangeError before SQLite sees it).
 * Retrying the same data cannot succeed.
 */
function isDataError(error: unknown): boolean {
  if (error instanceof Database.SqliteError) {
    return ['SQLITE_CONSTRAINT', 'SQLITE_TOOBIG', 'SQLITE_MISMATCH', 'SQLITE_RANGE'].some(
      (code) => error.code === code || error.code.startsWith(`${code}_`),
    );
  }
  return error instanceof TypeError || error instanceof RangeError;
}

const errorCode = (error: unknown): string => (error instanceof Database.SqliteError ? error.code : error instanceof Error ? error.name : 'unknown');

/**
 * Applies the migrations this file lacks; safe when several processes start at once.
 * `report` gets the lines a migration wants the operator to read.
 */
function migrate(db: Database.Database, report: (note: string) => void): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const apply = db.transaction((): string[] => {
    const applied = new Set(db.prepare<[], { version: number }>('SELECT version FROM schema_migrations').all().map((row) => row.version));
    refuseNewerSchema(applied, migrations, `the SQLite database ${db.name}`);
    const notes: string[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      if (migration.sql !== undefined) db.exec(migration.sql);
      for (const note of migration.run?.(db) ?? []) notes.push(`migration ${migration.version}: ${note}`);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        Date.now(),
      );
    }
    return notes;
  });
  // Reported once committed: a rolled-back migration did nothing worth reporting.
  for (const note of apply.immediate()) report(note);
}
