import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { NameTakenError } from '../../src/store/accounts.js';
import { migrations as postgresMigrations } from '../../src/store/postgres/migrations.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { migrations as sqliteMigrations } from '../../src/store/sqlite/migrations.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { skipUnlessAvailable } from '../helpers/services.js';
import { tempDir } from '../helpers/server.js';
import { postgresHarness, postgresReachable, postgresUrl } from './harness.js';

const T0 = 1_700_000_000_000;
const MINUTE = 60_000;
/** The version before names were keyed by look-alike: its keys were lower(NFKC(name)). */
const LEGACY_VERSION = 3;

/** Rows a database of version 3 may hold: names that were distinct then and look alike now. */
const ACCOUNTS = [
  { id: 1, username: 'alice', key: 'alice' },
  { id: 2, username: '\u0410lice', key: '\u0430lice' }, // Cyrillic А, registered later
  { id: 3, username: 'Martin', key: 'martin' },
];
const NAMES = [
  ...ACCOUNTS.map((account) => ({ key: account.key, name: account.username, holder: `a:${account.id}`, expiresAt: null, renewedAt: T0 + account.id })),
  { key: 'rnartin', name: 'rnartin', holder: 'g:early', expiresAt: T0 + 10 * MINUTE, renewedAt: T0 }, // a lease loses to an account
  { key: 'bob', name: 'bob', holder: 'g:1', expiresAt: T0 + 10 * MINUTE, renewedAt: T0 + 5 },
  { key: 'b0b', name: 'b0b', holder: 'g:2', expiresAt: T0 + 10 * MINUTE, renewedAt: T0 + 6 },
  { key: 'mia', name: 'mia', holder: 'g:3', expiresAt: T0 + 10 * MINUTE, renewedAt: T0 + 7 }, // rekeyed as 'rnia', alone
];

interface Legacy {
  /** Opens the store (which migrates), collecting what it reports. */
  open(report: (note: string) => void): Promise<Store>;
  dispose(): Promise<void>;
}

async function legacySqlite(): Promise<Legacy> {
  const file = path.join(tempDir('parley-names-'), 'parley.db');
  const db = new Database(file);
  db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  for (const migration of sqliteMigrations.filter((each) => each.version <= LEGACY_VERSION)) {
    db.exec(migration.sql ?? '');
    db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(migration.version, migration.name, T0);
  }
  for (const account of ACCOUNTS) {
    db.prepare('INSERT INTO accounts VALUES (?, ?, ?, ?, ?)').run(account.id, account.username, account.key, 'h', T0 + account.id);
  }
  for (const row of NAMES) db.prepare('INSERT INTO names VALUES (?, ?, ?, ?, ?)').run(row.key, row.name, row.holder, row.expiresAt, row.renewedAt);
  db.close();
  return { open: async (report) => new SqliteStore(file, { report }), dispose: async () => fs.rmSync(path.dirname(file), { recursive: true }) };
}

async function legacyPostgres(): Promise<Legacy> {
  const harness = await postgresHarness();
  const client = new pg.Client({ connectionString: harness.databaseUrl });
  await client.connect();
  try {
    await client.query('CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)');
    for (const migration of postgresMigrations.filter((each) => each.version <= LEGACY_VERSION)) {
      await client.query(migration.sql ?? '');
      await client.query('INSERT INTO schema_migrations VALUES ($1, $2, $3)', [migration.version, migration.name, T0]);
    }
    for (const account of ACCOUNTS) {
      await client.query('INSERT INTO accounts VALUES ($1, $2, $3, $4, $5)', [account.id, account.username, account.key, 'h', T0 + account.id]);
    }
    for (const row of NAMES) {
      await client.query('INSERT INTO names VALUES ($1, $2, $3, $4, $5)', [row.key, row.name, row.holder, row.expiresAt, row.renewedAt]);
    }
  } finally {
    await client.end();
  }
  return { open: (report) => PostgresStore.open(harness.databaseUrl, report), dispose: () => harness.dispose() };
}

const postgresSkip = skipUnlessAvailable('PostgreSQL', await postgresReachable(), `at ${new URL(postgresUrl).host}`);

for (const [backend, legacy, skip] of [
  ['SQLite', legacySqlite, false],
  ['PostgreSQL', legacyPostgres, postgresSkip],
] as const) {
  describe(`migration 4, names keyed by look-alike: ${backend}`, { skip }, () => {
    test('existing names are rekeyed; of look-alikes the oldest keeps the name, the others keep their rows and are reported', async () => {
      const database = await legacy();
      const notes: string[] = [];
      const store = await database.open((note) => notes.push(note));
      try {
        assert.equal(notes.length, 3, notes.join('\n'));
        assert.match(notes.find((note) => note.includes('holder a:2')) ?? '', /^migration 4: .*looks like "alice" \(holder a:1\).*still logs in/);
        assert.ok(notes.some((note) => note.includes('holder g:early') && note.includes('holder a:3')), 'a lease yields to an account');
        assert.ok(notes.some((note) => note.includes('holder g:2') && note.includes('holder g:1')), 'a later lease yields to an earlier one');

        assert.equal((await store.accounts.accountByName('\u0410lice'))?.id, 2, 'the superseded account still logs in');
        assert.equal((await store.accounts.accountByName('ALICE'))?.id, 1);
        await assert.rejects(store.accounts.createAccount({ username: '\u0430LICE', passwordHash: 'h' }, T0), NameTakenError);
        assert.equal(await store.accounts.claimGuestName('Alice', 'g:9', T0 + 20 * MINUTE, T0), false, 'the oldest account holds the key');
        assert.equal(await store.accounts.claimGuestName('RNIA', 'g:9', T0 + 20 * MINUTE, T0), false, "'mia' was rekeyed as 'rnia'");
        assert.equal(await store.accounts.claimGuestName('rnartin', 'g:9', T0 + 20 * MINUTE, T0), false);
        assert.equal(await store.accounts.guestNameOf('g:2'), 'b0b', 'a superseded lease is still remembered');
        assert.equal(await store.accounts.claimGuestName('b0b', 'g:2', T0 + 20 * MINUTE, T0), false, 'but its name is bob\'s, whose lease is live');
        assert.equal(await store.accounts.claimGuestName('b0b', 'g:2', T0 + 20 * MINUTE, T0 + 11 * MINUTE), true, 'until that lease ends');
        assert.equal(await store.accounts.guestNameOf('g:2'), 'b0b');
      } finally {
        await store.close();
      }
      const reopened = await database.open((note) => notes.push(note));
      await reopened.close();
      assert.equal(notes.length, 3, 'the migration runs once');
      await database.dispose();
    });
  });
}
