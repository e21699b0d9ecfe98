import type { Logger } from '../log.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { SharedWriterPostgresStore } from './postgres/shared-writer-store.js';
import pg from 'pg';
import { backupSqlite, type BackupSummary } from './sqlite/backup.js';
import { renewSqliteEpoch } from './sqlite/history-epoch.js';
import { renewHistoryEpoch as renewPostgresEpoch } from './postgres/history-epoch.js';
import { SharedWriterSqliteStore } from './sqlite/shared-writer-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import { PostgresNodeWriter } from './postgres/node-writer.js';
import { checkConnectionBudget, type ConnectionBudget, type ConnectionPlan } from './postgres/connection-budget.js';
import type { PoolOptions } from './postgres/postgres-store.js';
import { SqliteWriter } from './sqlite/sqlite-writer.js';
import type { WriteChannel } from './writer/writer-client.js';
import type { Store } from './store.js';

export type { Store } from './store.js';
export type { WriteChannel } from './writer/writer-client.js';
export { newlyStored, type WriteBatch, type WriteBatchReplies } from './writer/write-calls.js';
export { ConnectionBudgetError, type ConnectionBudget, type ConnectionPlan } from './postgres/connection-budget.js';
export type { PoolObserver, PoolUse } from './postgres/metered-pool.js';
export { DEFAULT_POOL_SIZE, type PoolOptions } from './postgres/postgres-store.js';

export interface StoreOptions {
  /**
   * Set in cluster workers: where the node's one writer is (./sqlite/sqlite-writer.ts,
   * ./postgres/node-writer.ts). SQLite sends it every write, PostgreSQL its appends.
   */
  readonly writeChannel?: WriteChannel;
  /**
   * Where migrations report what the operator must know (e.g. names taken from look-alikes).
   * @default process warnings (stderr), so a report is never lost
   */
  readonly log?: Logger;
  /** Told of each group commit this process makes (appends, seconds), for the metrics. */
  readonly observeCommit?: (items: number, seconds: number) => void;
  /** PostgreSQL: this process's pool (PARLEY_PG_POOL_SIZE) and its observer; SQLite ignores it. */
  readonly pool?: PoolOptions;
}

/** The writer a cluster primary runs for its workers. */
export interface SharedWriter {
  execute: SqliteWriter['execute'];
  close(): Promise<void>;
}

/**
 * The one place a storage backend is picked, from `PARLEY_DATABASE_URL`:
 * `sqlite:<file path>`, or a `postgres://` / `postgresql://` URL (node-postgres connection
 * string; e.g. `?options=-c%20search_path%3Dparley` selects a schema).
 */
export async function createStore(databaseUrl: string, options: StoreOptions = {}): Promise<Store> {
  const backend = backendOf(databaseUrl);
  const report = options.log && toLog(options.log);
  if (options.writeChannel) {
    return backend.kind === 'sqlite'
      ? new SharedWriterSqliteStore(backend.file, options.writeChannel)
      : SharedWriterPostgresStore.openShared(databaseUrl, options.writeChannel, report, options.pool);
  }
  if (backend.kind === 'sqlite') return new SqliteStore(backend.file, { report, observeCommit: options.observeCommit });
  return PostgresStore.open(databaseUrl, report, options.observeCommit, options.pool);
}

/**
 * Before any pool opens: whether the database allows the connections `plan` may open
 * (PostgreSQL's `max_connections`); rejects with `ConnectionBudgetError` naming both numbers
 * when it does not. SQLite has no such limit: resolves undefined.
 */
export async function checkDatabaseConnections(databaseUrl: string, plan: ConnectionPlan): Promise<ConnectionBudget | undefined> {
  return backendOf(databaseUrl).kind === 'postgres' ? checkConnectionBudget(databaseUrl, plan) : undefined;
}

/**
 * For the cluster primary, before it forks workers: starts the node's one writer, which
 * opens the database and applies the migrations, once, and which every worker sends its
 * writes (SQLite) or appends (PostgreSQL) to (pass `writeChannel` to `createStore` in the workers).
 */
export async function startSharedWriter(
  databaseUrl: string,
  log: Logger,
  observeCommit?: (items: number, seconds: number) => void,
  pool?: PoolOptions,
): Promise<SharedWriter> {
  // SQLite waits for the disk on the thread that writes: a thread of its own. PostgreSQL's
  // client waits on sockets, so the primary's loop can write for the node itself.
  const backend = backendOf(databaseUrl);
  if (backend.kind === 'sqlite') return SqliteWriter.start(backend.file, log, observeCommit);
  return new PostgresNodeWriter(await PostgresStore.open(databaseUrl, toLog(log), observeCommit, pool));
}

/**
 * `npm run backup`: an online, consistent copy of the database into `target`. SQLite only;
 * a PostgreSQL deployment is backed up with PostgreSQL's own tools (README, "Backups").
 */
export function backupDatabase(databaseUrl: string, target: string): BackupSummary {
  const backend = backendOf(databaseUrl);
  if (backend.kind === 'postgres') {
    throw new Error('PARLEY_DATABASE_URL is a PostgreSQL database: back it up with pg_dump (README, "Backups and restore")');
  }
  return backupSqlite(backend.file, target);
}

/**
 * `npm run new-epoch`: draws a new history epoch for the database (Parley stopped), so that
 * every client reloads its rooms at the next start. Resolves with the new epoch.
 */
export async function renewEpoch(databaseUrl: string): Promise<string> {
  const backend = backendOf(databaseUrl);
  if (backend.kind === 'sqlite') return renewSqliteEpoch(backend.file);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  try {
    return await renewPostgresEpoch(pool);
  } finally {
    await pool.end();
  }
}

const toLog =
  (log: Logger) =>
  (note: string): void =>
    log.warn(note);

function backendOf(databaseUrl: string): { kind: 'sqlite'; file: string } | { kind: 'postgres' } {
  if (databaseUrl.startsWith('sqlite:')) return { kind: 'sqlite', file: databaseUrl.slice('sqlite:'.length) };
  if (databaseUrl.startsWith('postgres://') || databaseUrl.startsWith('postgresql://')) return { kind: 'postgres' };
  // Only the scheme is quoted: the rest of a URL can hold a password.
  throw new Error(`PARLEY_DATABASE_URL: unsupported scheme ${JSON.stringify(databaseUrl.split(':')[0] ?? '')}; use sqlite: or postgres://`);
}
