import type { Logger } from '../log.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { backupSqlite, type BackupSummary } from './sqlite/backup.js';
import { SharedWriterSqliteStore } from './sqlite/shared-writer-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import { SqliteWriter } from './sqlite/sqlite-writer.js';
import type { WriteChannel } from './sqlite/writer-client.js';
import type { Store } from './store.js';

export type { Store } from './store.js';
export type { WriteChannel } from './sqlite/writer-client.js';
export { newlyStored, type WriteBatch, type WriteBatchReplies } from './sqlite/write-calls.js';

export interface StoreOptions {
  /**
   * Set in cluster workers: where the database's one writer is, if the backend needs one
   * (SQLite, see ./sqlite/sqlite-writer.ts). Backends that take concurrent writers ignore it.
   */
  readonly writeChannel?: WriteChannel;
  /**
   * Where migrations report what the operator must know (e.g. names taken from look-alikes).
   * @default process warnings (stderr), so a report is never lost
   */
  readonly log?: Logger;
  /** Told of each group commit this process makes (appends, seconds), for the metrics. */
  readonly observeCommit?: (items: number, seconds: number) => void;
}

/** The writer a cluster primary runs for its workers; none for backends that need none. */
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
  if (backend.kind === 'sqlite') {
    return options.writeChannel
      ? new SharedWriterSqliteStore(backend.file, options.writeChannel)
      : new SqliteStore(backend.file, { report, observeCommit: options.observeCommit });
  }
  return PostgresStore.open(databaseUrl, report, options.observeCommit);
}

/**
 * For the cluster primary, before it forks workers: prepares the database (migrations run
 * once, here) and, for SQLite, starts the one writer every worker sends its writes to
 * (pass `writeChannel` to `createStore` in the workers). Undefined for PostgreSQL, which
 * takes writes from every worker itself.
 */
export async function startSharedWriter(
  databaseUrl: string,
  log: Logger,
  observeCommit?: (items: number, seconds: number) => void,
): Promise<SharedWriter | undefined> {
  const backend = backendOf(databaseUrl);
  if (backend.kind === 'sqlite') return SqliteWriter.start(backend.file, log, observeCommit);
  await (await PostgresStore.open(databaseUrl, toLog(log))).close();
  return undefined;
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
