import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { migrations as postgresMigrations } from '../../src/store/postgres/migrations.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { migrations as sqliteMigrations } from '../../src/store/sqlite/migrations.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { skipUnlessAvailable } from '../helpers/services.js';
import { tempDir } from '../helpers/server.js';
import { postgresHarness, postgresReachable, postgresUrl } from './harness.js';

const T0 = 1_700_000_000_000;

/** A history stored before redaction: a message edited, reacted to and deleted twice; another edited twice. */
const ROWS = [
  { seq: 1, kind: 'message', target: null, content: 'the secret @bob', authorId: 'a:1' },
  { seq: 2, kind: 'edit', target: 1, content: 'the secret, edited', authorId: 'a:1' },
  { seq: 3, kind: 'react', target: 1, content: '🙈', authorId: 'a:2' },
  { seq: 4, kind: 'delete', target: 1, content: '', authorId: 'a:9' },
  { seq: 5, kind: 'message', target: null, content: 'first wording', authorId: 'a:1' },
  { seq: 6, kind: 'edit', target: 5, content: 'second wording', authorId: 'a:1' },
  { seq: 7, kind: 'edit', target: 5, content: 'final wording', authorId: 'a:1' },
  { seq: 8, kind: 'delete', target: 1, content: '', authorId: 'a:8' },
] as const;

/** What the history reads as once migrated: [offset, text, who erased it, when]. */
const REDACTED = [
  [1, '', 'a:9', T0 + 4],
  [2, '', 'a:9', T0 + 4],
  [3, '', 'a:9', T0 + 4],
  [4, '', null, null],
  [5, 'final wording', null, null],
  [6, '', 'a:1', T0 + 7],
  [7, 'final wording', null, null],
  [8, '', null, null],
];

interface Legacy {
  open(): Promise<Store>;
  /** Rows of `messages` whose text holds `text`, and mention rows of message 1, read straight from the database. */
  leftovers(text: string): Promise<{ messages: number; mentions: number }>;
  dispose(): Promise<void>;
}

async function legacySqlite(before: number): Promise<Legacy> {
  const file = path.join(tempDir('parley-redaction-'), 'parley.db');
  const db = new Database(file);
  db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  for (const migration of sqliteMigrations.filter((each) => each.version < before)) {
    if (migration.sql !== undefined) db.exec(migration.sql);
    migration.run?.(db);
    db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(migration.version, migration.name, T0);
  }
  const insert = db.prepare('INSERT INTO messages (room_id, seq, author, content, created_at, kind, target, author_id) VALUES (1, ?, ?, ?, ?, ?, ?, ?)');
  for (const row of ROWS) insert.run(row.seq, row.authorId, row.content, T0 + row.seq, row.kind, row.target, row.authorId);
  db.prepare('UPDATE rooms SET head = ? WHERE id = 1').run(ROWS.length);
  db.prepare('INSERT INTO mentions (user_id, room_id, seq) VALUES (?, 1, 1)').run('a:2');
  db.close();
  const count = (sql: string, ...values: unknown[]): number => {
    const reader = new Database(file, { readonly: true });
    try {
      return reader.prepare<unknown[], { n: number }>(sql).get(...values)?.n ?? 0;
    } finally {
      reader.close();
    }
  };
  return {
    open: async () => new SqliteStore(file, { report: () => undefined }),
    leftovers: async (text) => ({
      messages: count('SELECT count(*) AS n FROM messages WHERE instr(content, ?) > 0', text),
      mentions: count('SELECT count(*) AS n FROM mentions WHERE room_id = 1 AND seq = 1'),
    }),
    dispose: async () => fs.rmSync(path.dirname(file), { recursive: true }),
  };
}

async function legacyPostgres(before: number): Promise<Legacy> {
  const harness = await postgresHarness();
  const client = new pg.Client({ connectionString: harness.databaseUrl });
  await client.connect();
  await client.query('CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)');
  for (const migration of postgresMigrations.filter((each) => each.version < before)) {
    if (migration.sql !== undefined) await client.query(migration.sql);
    await client.query('INSERT INTO schema_migrations VALUES ($1, $2, $3)', [migration.version, migration.name, T0]);
  }
  for (const row of ROWS) {
    await client.query('INSERT INTO messages (room_id, seq, author, content, created_at, kind, target, author_id) VALUES (1, $1, $2, $3, $4, $5, $6, $7)', [
      row.seq,
      row.authorId,
      row.content,
      T0 + row.seq,
      row.kind,
      row.target,
      row.authorId,
    ]);
  }
  await client.query('UPDATE rooms SET head = $1 WHERE id = 1', [ROWS.length]);
  await client.query("INSERT INTO mentions (user_id, room_id, seq) VALUES ('a:2', 1, 1)");
  const count = async (sql: string, values: unknown[] = []): Promise<number> => Number((await client.query<{ n: string }>(sql, values)).rows[0]?.n);
  return {
    open: () => PostgresStore.open(harness.databaseUrl, () => undefined),
    leftovers: async (text) => ({
      messages: await count('SELECT count(*) AS n FROM messages WHERE strpos(content, $1) > 0', [text]),
      mentions: await count('SELECT count(*) AS n FROM mentions WHERE room_id = 1 AND seq = 1'),
    }),
    dispose: async () => {
      await client.end();
      await harness.dispose();
    },
  };
}

const postgresSkip = skipUnlessAvailable('PostgreSQL', await postgresReachable(), `at ${new URL(postgresUrl).host}`);

for (const [name, legacy, version, skip] of [
  ['SQLite', legacySqlite, 10, false],
  ['PostgreSQL', legacyPostgres, 12, postgresSkip],
] as const) {
  describe(`the redaction migration on ${name} (version ${version})`, () => {
    test('the history stored before reads as if every deletion and edit had redacted it', { skip }, async () => {
      const database = await legacy(version);
      try {
        const store = await database.open();
        try {
          const history = await store.messagesAfter(1, 0, 20);
          assert.deepEqual(
            history.map((message) => [message.offset, message.text, message.redacted?.byId ?? null, message.redacted?.at ?? null]),
            REDACTED,
          );
          for (const text of ['secret', '🙈', 'first wording', 'second wording']) {
            assert.equal((await database.leftovers(text)).messages, 0, `no message row holds "${text}"`);
          }
          assert.equal((await database.leftovers('')).mentions, 0, "the deleted message's mentions are gone");
          // And from now on, the triggers: a new deletion redacts at once.
          await store.appendMessage({ roomId: 1, author: 'a:1', authorId: 'a:1', text: '', kind: 'delete', target: 5, idempotencyKey: null });
          assert.equal((await database.leftovers('final wording')).messages, 0);
        } finally {
          await store.close();
        }
      } finally {
        await database.dispose();
      }
    });
  });
}
