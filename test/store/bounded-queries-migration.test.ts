import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { migrations as postgresMigrations } from '../../src/store/postgres/migrations.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { searchTerms } from '../../src/store/search.js';
import { migrations as sqliteMigrations } from '../../src/store/sqlite/migrations.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { skipUnlessAvailable } from '../helpers/services.js';
import { tempDir } from '../helpers/server.js';
import { postgresHarness, postgresReachable, postgresUrl } from './harness.js';

/** The versions before the bounded queries (issue 22, item 10): SQLite 12 and PostgreSQL 14 follow them. */
const SQLITE_BEFORE = 9;
const POSTGRES_BEFORE = 11;

/**
 * What a database of the earlier schema holds: `general` (room 1) with members, and a
 * direct room between Ann and Bob with a message only they may find, stored through the
 * earlier triggers.
 */
const SEED = `
  INSERT INTO rooms (id, name, kind, head, created_at) VALUES (2, 'dm:g:ann:g:bob', 'direct', 1, 0);
  INSERT INTO room_members (room_id, user_id, user_name, joined_at) VALUES
    (1, 'g:ann', 'Ann', 0), (1, 'g:bob', 'Bob', 0), (1, 'g:eve', 'Éve', 0), (2, 'g:ann', 'Ann', 0), (2, 'g:bob', 'Bob', 0);
  INSERT INTO messages (room_id, seq, author, content, created_at, kind, author_id) VALUES
    (1, 1, 'Ann', 'public hello', 0, 'message', 'g:ann'),
    (2, 1, 'Ann', 'private hello', 0, 'message', 'g:ann');
  UPDATE rooms SET head = 1 WHERE id = 1;`;

interface Legacy {
  open(): Promise<Store>;
  dispose(): Promise<void>;
}

async function legacySqlite(): Promise<Legacy> {
  const file = path.join(tempDir('parley-bounded-'), 'parley.db');
  const db = new Database(file);
  db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  for (const migration of sqliteMigrations.filter((each) => each.version <= SQLITE_BEFORE)) {
    db.exec(migration.sql ?? '');
    migration.run?.(db);
    db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(migration.version, migration.name, 0);
  }
  db.exec(SEED);
  db.close();
  return { open: async () => new SqliteStore(file), dispose: async () => fs.rmSync(path.dirname(file), { recursive: true }) };
}

async function legacyPostgres(): Promise<Legacy> {
  const harness = await postgresHarness();
  const client = new pg.Client({ connectionString: harness.databaseUrl });
  await client.connect();
  try {
    await client.query('CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)');
    for (const migration of postgresMigrations.filter((each) => each.version <= POSTGRES_BEFORE)) {
      await client.query(migration.sql ?? '');
      await client.query('INSERT INTO schema_migrations VALUES ($1, $2, $3)', [migration.version, migration.name, 0]);
    }
    await client.query(SEED);
  } finally {
    await client.end();
  }
  return { open: () => PostgresStore.open(harness.databaseUrl), dispose: () => harness.dispose() };
}

const backends = [
  { name: 'SQLite', legacy: legacySqlite, skip: false as const },
  { name: 'PostgreSQL', legacy: legacyPostgres, skip: skipUnlessAvailable('PostgreSQL', await postgresReachable(), `at ${new URL(postgresUrl).host}`) },
];

for (const backend of backends) {
  describe(`bounded queries on a database of the earlier schema: ${backend.name}`, { skip: backend.skip }, () => {
    test('after the migration, direct rooms are searched by their members only, and names are completed and mentioned', async () => {
      const legacy = await backend.legacy();
      const store = await legacy.open();
      try {
        const search = async (userId: string, text: string): Promise<string[]> =>
          (await store.search.searchMessages({ userId, terms: searchTerms(text), limit: 10 })).hits.map((hit) => hit.message.text);
        assert.deepEqual(await search('g:eve', 'hello'), ['public hello'], 'an outsider finds the public message only');
        assert.deepEqual(await search('g:bob', 'hello'), ['private hello', 'public hello'], 'a member finds both, newest first');
        // Stored after the migration: indexed by the new triggers.
        await store.appendMessage({ roomId: 2, author: 'Bob', text: 'private again', authorId: 'g:bob', idempotencyKey: null });
        await store.appendMessage({ roomId: 1, author: 'Bob', text: 'public again', authorId: 'g:bob', idempotencyKey: null });
        assert.deepEqual(await search('g:eve', 'again'), ['public again']);
        assert.deepEqual(await search('g:ann', 'again'), ['public again', 'private again']);
        assert.deepEqual((await store.mentions.membersByPrefix(1, 'év', 8)).map((member) => member.name), ['Éve'], 'names held before are completed');
        const mentioned = await store.mentions.recordMentions(1, 1, ['bob', 'éve'], 'g:ann');
        assert.deepEqual([...mentioned].sort(), ['g:bob', 'g:eve'], 'names held before are mentioned');
      } finally {
        await store.close();
        await legacy.dispose();
      }
    });
  });
}
