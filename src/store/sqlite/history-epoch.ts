import fs from 'node:fs';
import Database from 'better-sqlite3';
import { newHistoryEpoch } from '../history-epoch.js';

/**
 * The history epoch of a SQLite database (migration 11): one row, made at random when the
 * database is created. `npm run backup` marks its copy (`from_backup`), and the first
 * writing connection opened on a database with the mark draws a new epoch and clears it:
 * a restored backup is a history that may continue differently from the one clients saw
 * (the offsets after the backup are taken again by other messages), so every client is
 * told to reload. Restoring the same backup twice draws two epochs.
 */

interface EpochRow {
  readonly epoch: string;
  readonly from_backup: number;
}

/**
 * Run by the writing connection after the migrations, in one write transaction (so that
 * of several processes opening the database at once, one draws the epoch and the others
 * read it). Returns the epoch in force.
 */
export function settleHistoryEpoch(db: Database.Database): string {
  const settle = db.transaction((): string => {
    const row = db.prepare<[], EpochRow>('SELECT epoch, from_backup FROM history_epoch WHERE id = 1').get();
    if (row && row.from_backup === 0) return row.epoch;
    const epoch = newHistoryEpoch();
    db.prepare('INSERT INTO history_epoch (id, epoch, from_backup) VALUES (1, ?, 0) ON CONFLICT (id) DO UPDATE SET epoch = excluded.epoch, from_backup = 0').run(epoch);
    return epoch;
  });
  return settle.immediate();
}

/** The epoch in force, for a connection that only reads (a cluster worker, after the writer settled it). */
export function readHistoryEpoch(db: Database.Database): string {
  const row = db.prepare<[], EpochRow>('SELECT epoch, from_backup FROM history_epoch WHERE id = 1').get();
  if (!row) throw new Error('the database has no history epoch: its writer has not opened it');
  return row.epoch;
}

/** Marks a backup copy: whoever opens it for writing next draws a new epoch (see above). */
export function markAsBackup(db: Database.Database): void {
  // A database from before migration 11 has no row (nor table): the migration's new epoch does the same.
  const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'history_epoch'").get() !== undefined;
  if (hasTable) db.prepare('UPDATE history_epoch SET from_backup = 1').run();
}

/**
 * `npm run new-epoch`: a new epoch for the database in `file` now (Parley stopped: it reads
 * the epoch at start). A database from before migration 11 needs none: the migration draws one.
 */
export function renewSqliteEpoch(file: string): string {
  if (!fs.existsSync(file)) throw new Error(`no SQLite database at ${file} (PARLEY_DATABASE_URL)`);
  const db = new Database(file, { fileMustExist: true, timeout: 5000 });
  try {
    const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'history_epoch'").get() !== undefined;
    if (!hasTable) throw new Error('the database has no history epoch yet: the next start of Parley draws one');
    const epoch = newHistoryEpoch();
    db.prepare('INSERT INTO history_epoch (id, epoch, from_backup) VALUES (1, ?, 0) ON CONFLICT (id) DO UPDATE SET epoch = excluded.epoch, from_backup = 0').run(epoch);
    return epoch;
  } finally {
    db.close();
  }
}
