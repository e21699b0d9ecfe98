import fs from 'node:fs';
import Database from 'better-sqlite3';
import { markAsBackup } from './history-epoch.js';

/** What a backup holds, for the operator's log line. */
export interface BackupSummary {
  readonly file: string;
  readonly bytes: number;
  readonly messages: number;
  readonly accounts: number;
}

/**
 * An online, consistent copy of a SQLite database into `target` (which must not exist),
 * while Parley runs. `VACUUM INTO` reads the database in one read transaction, so the copy
 * is the database as of one commit, however many writers commit meanwhile (WAL mode lets
 * them), and it never restarts as the page-by-page backup API does when the source
 * changes. The copy is marked as a backup, so that the history restored from it gets a new
 * epoch when Parley starts on it (./history-epoch.ts). The copy is checked (`PRAGMA
 * integrity_check`) before this resolves; a copy that fails the check is deleted.
 */
export function backupSqlite(source: string, target: string): BackupSummary {
  if (fs.existsSync(target)) throw new Error(`${target} exists already; choose a new file for the backup`);
  if (!fs.existsSync(source)) throw new Error(`no SQLite database at ${source} (PARLEY_DATABASE_URL)`);
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    db.prepare('VACUUM INTO ?').run(target);
  } finally {
    db.close();
  }
  const marking = new Database(target, { fileMustExist: true });
  try {
    markAsBackup(marking);
  } finally {
    marking.close();
  }
  const copy = new Database(target, { readonly: true, fileMustExist: true });
  try {
    const check = copy.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new Error(`the backup failed its integrity check: ${String(check)}`);
    const count = (table: string): number => copy.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).get()?.n ?? 0;
    return { file: target, bytes: fs.statSync(target).size, messages: count('messages'), accounts: count('accounts') };
  } catch (error) {
    copy.close();
    fs.rmSync(target, { force: true });
    throw error;
  } finally {
    if (copy.open) copy.close();
  }
}
