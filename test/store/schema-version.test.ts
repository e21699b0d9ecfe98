import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { skipUnlessAvailable } from '../helpers/services.js';
import { postgresHarness, postgresReachable, postgresUrl, sqliteHarness, type StoreHarness } from './harness.js';

/** Records a migration newer than any this code has, as a newer Parley would have. */
type Upgrade = (harness: StoreHarness) => Promise<void>;

const FUTURE = 999;
const upgradeSqlite: Upgrade = async (harness) => {
  const db = new Database(harness.databaseUrl.slice('sqlite:'.length));
  db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(FUTURE, 'from a newer Parley', Date.now());
  db.close();
};
const upgradePostgres: Upgrade = async (harness) => {
  const client = new pg.Client({ connectionString: harness.databaseUrl });
  await client.connect();
  try {
    await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [FUTURE, 'from a newer Parley', Date.now()]);
  } finally {
    await client.end();
  }
};

const backends = [
  { name: 'SQLite', harness: sqliteHarness, upgrade: upgradeSqlite, skip: false as const },
  {
    name: 'PostgreSQL',
    harness: postgresHarness,
    upgrade: upgradePostgres,
    skip: skipUnlessAvailable('PostgreSQL', await postgresReachable(), `at ${new URL(postgresUrl).host}`),
  },
];

for (const backend of backends) {
  describe(`a database newer than the code: ${backend.name}`, { skip: backend.skip }, () => {
    test('opening it is refused with both schema versions named, and it is left as it was', async () => {
      const harness = await backend.harness();
      try {
        await (await harness.open()).close();
        await backend.upgrade(harness);
        await assert.rejects(harness.open(), (error: Error) => {
          assert.equal(error.name, 'SchemaTooNewError');
          assert.match(error.message, new RegExp(`schema version ${FUTURE}, newer than this Parley knows \\(\\d+\\)`));
          return true;
        });
        // Refused again, not half-migrated: the newer schema is untouched.
        await assert.rejects(harness.open(), /schema version 999/);
      } finally {
        await harness.dispose();
      }
    });
  });
}
