import { nameKey, supersededKey } from './name-key.js';

/** A row of the `names` table (the same columns in both backends). */
export interface NameRow {
  readonly key: string;
  readonly name: string;
  readonly holder: string;
  /** null: an account's name, held for good. */
  readonly expiresAt: number | null;
  readonly renewedAt: number;
}

/** What `rekeyNames` decided. */
export interface Rekeying {
  /** The rows whose key changes: delete each by `from`, then insert `row` (its new key). */
  readonly changes: readonly { readonly from: string; readonly row: NameRow }[];
  /** One line per row that lost its name to an older look-alike, for the operator's log. */
  readonly notes: readonly string[];
}

const ACCOUNT_HOLDER = /^a:(\d+)$/;

/**
 * Recomputes every name's key with `nameKey`, for the migration that moved uniqueness from
 * letter case to look-alikes. Names that now share a key (rows written before, e.g. 'alice'
 * and 'аlice' with a Cyrillic а) cannot all keep it: the senior keeps it, every other keeps
 * its row under `supersededKey`, and a note says so. Nothing is deleted: an account whose
 * name was superseded still logs in (its `accounts` row and login key are untouched), but
 * its name blocks nobody, and a guest's superseded lease only lets the guest be told its
 * name is taken at its next claim.
 *
 * Seniority: accounts before guest leases (an account's name is held for good, a lease
 * only while its guest is online), accounts by id (creation order), leases by last renewal.
 */
export function rekeyNames(rows: readonly NameRow[]): Rekeying {
  const seniority = rows
    .filter((row) => !row.key.includes('\uFFFF')) // superseded already: stays as it is
    .map((row) => {
      const accountId = row.expiresAt === null ? Number(ACCOUNT_HOLDER.exec(row.holder)?.[1] ?? Number.MAX_SAFE_INTEGER) : undefined;
      return accountId === undefined ? { row, group: 1, order: row.renewedAt } : { row, group: 0, order: accountId };
    })
    .sort((a, b) => a.group - b.group || a.order - b.order || (a.row.holder < b.row.holder ? -1 : 1));

  const winners = new Map<string, NameRow>();
  const changes: { from: string; row: NameRow }[] = [];
  const notes: string[] = [];
  for (const { row } of seniority) {
    const key = nameKey(row.name);
    const senior = winners.get(key);
    if (senior) {
      const superseded = supersededKey(key, row.holder);
      changes.push({ from: row.key, row: { ...row, key: superseded } });
      notes.push(
        `name ${JSON.stringify(row.name)} (holder ${row.holder}) looks like ${JSON.stringify(senior.name)} (holder ${senior.holder}), ` +
          `which is older: it no longer holds its name (key ${JSON.stringify(superseded)}); ` +
          (row.expiresAt === null ? 'the account still logs in with it' : 'the guest gets another name at its next visit'),
      );
      continue;
    }
    winners.set(key, row);
    if (key !== row.key) changes.push({ from: row.key, row: { ...row, key } });
  }
  return { changes, notes };
}
