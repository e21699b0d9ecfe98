import type pg from 'pg';
import { newHistoryEpoch } from '../history-epoch.js';
import { inTransaction } from './checkout.js';

/**
 * The history epoch of a PostgreSQL database (migration 13): one row, made at random when
 * the database is created, beside the OID its table had then (`anchor`). `pg_restore`
 * (with `--clean`, or into a new database) creates the table anew, so its OID no longer
 * matches the restored row's anchor: the first process to start on it draws a new epoch,
 * and every client is told to reload, since the offsets after the backup will be taken
 * again by other messages. Restoring the same dump twice draws two epochs.
 *
 * A restore that keeps the table's OID (a file-system copy, point-in-time recovery of the
 * whole cluster) is not seen: run `npm run new-epoch` after it (README, "Backups and restore").
 */
const ANCHORED = `SELECT epoch, anchor::text AS anchor, 'history_epoch'::regclass::oid::text AS current FROM history_epoch WHERE id FOR UPDATE`;
const KEEP = `INSERT INTO history_epoch (id, epoch, anchor) VALUES (true, $1, 'history_epoch'::regclass::oid)
  ON CONFLICT (id) DO UPDATE SET epoch = excluded.epoch, anchor = excluded.anchor`;

/** Key of the advisory lock under which processes starting together settle one epoch. */
const EPOCH_LOCK_KEY = 0x65706f6368n;

/** Run by every process at start, after the migrations: returns the epoch in force, drawing one if needed. */
export async function settleHistoryEpoch(pool: pg.Pool): Promise<string> {
  return inTransaction(pool, async (client) => {
    // The row may be missing (a new database): FOR UPDATE cannot lock a row that is not there.
    await client.query('SELECT pg_advisory_xact_lock($1)', [EPOCH_LOCK_KEY.toString()]);
    const { rows } = await client.query<{ epoch: string; anchor: string; current: string }>(ANCHORED);
    const row = rows[0];
    if (row && row.anchor === row.current) return row.epoch;
    const epoch = newHistoryEpoch();
    await client.query(KEEP, [epoch]);
    return epoch;
  });
}

/** `npm run new-epoch`: a new epoch now (every node must be stopped: each reads the epoch at start). */
export async function renewHistoryEpoch(pool: pg.Pool): Promise<string> {
  const epoch = newHistoryEpoch();
  await pool.query(KEEP, [epoch]);
  return epoch;
}
