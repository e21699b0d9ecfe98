import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import pg from 'pg';
import { backupDatabase, createStore } from '../../src/store/index.js';
import { skipUnlessAvailable } from '../helpers/services.js';
import { tempDir } from '../helpers/server.js';
import { postgresHarness, postgresReachable, sqliteHarness, sqliteSharedWriterHarness } from './harness.js';

const EPOCH = /^[0-9a-f]{16}$/;

/** Opens a store on `databaseUrl`, reads its epoch and closes it. */
async function epochOf(databaseUrl: string): Promise<string> {
  const store = await createStore(databaseUrl);
  try {
    return store.historyEpoch;
  } finally {
    await store.close();
  }
}

/**
 * Issue 22, item 4: the history epoch as each backend keeps it. It is drawn when the
 * database is created and kept across restarts; a restored backup is a new epoch, each time
 * it is restored; every process opening the database at once agrees on it.
 */
describe('the history epoch', () => {
  test('SQLite: kept across restarts, drawn anew on a copy made by the backup, once per copy', async () => {
    const harness = await sqliteHarness();
    try {
      const epoch = await epochOf(harness.databaseUrl);
      assert.match(epoch, EPOCH);
      assert.equal(await epochOf(harness.databaseUrl), epoch, 'a restart keeps it');
      const dir = tempDir('parley-epoch-copy-');
      const copies = ['a.db', 'b.db'].map((name) => path.join(dir, name));
      for (const copy of copies) backupDatabase(harness.databaseUrl, copy);
      const restored = await Promise.all(copies.map((copy) => epochOf(`sqlite:${copy}`)));
      assert.notEqual(restored[0], epoch, 'a restored backup is another epoch');
      assert.notEqual(restored[1], epoch);
      assert.notEqual(restored[0], restored[1], 'two restores of the same history are two epochs');
      assert.equal(await epochOf(`sqlite:${copies[0]}`), restored[0], 'once drawn, kept across restarts');
      assert.equal(await epochOf(harness.databaseUrl), epoch, 'the backup leaves the live database alone');
    } finally {
      await harness.dispose();
    }
  });

  test("SQLite: a cluster worker's read-only store reads the writer's epoch", async () => {
    const harness = await sqliteSharedWriterHarness();
    try {
      const workers = await Promise.all([harness.open(), harness.open()]);
      const [first, second] = workers.map((store) => store.historyEpoch);
      assert.match(first ?? '', EPOCH);
      assert.equal(second, first);
      for (const store of workers) await store.close();
    } finally {
      await harness.dispose();
    }
  });

  test('PostgreSQL: processes starting together agree; a re-created table (pg_restore) draws a new one', async (t) => {
    const skip = skipUnlessAvailable('PostgreSQL', await postgresReachable());
    if (skip) return t.skip(skip);
    const harness = await postgresHarness();
    try {
      const stores = await Promise.all(Array.from({ length: 4 }, () => harness.open()));
      const epochs = new Set(stores.map((store) => store.historyEpoch));
      for (const store of stores) await store.close();
      assert.equal(epochs.size, 1, 'one epoch for every process');
      const [epoch] = [...epochs];
      assert.match(epoch ?? '', EPOCH);
      assert.equal(await epochOf(harness.databaseUrl), epoch, 'a restart keeps it');
      // What pg_restore --clean does to the table: dropped, created again, its row put back.
      const client = new pg.Client({ connectionString: harness.databaseUrl });
      await client.connect();
      try {
        await client.query('CREATE TEMP TABLE kept AS SELECT * FROM history_epoch');
        await client.query('DROP TABLE history_epoch');
        await client.query('CREATE TABLE history_epoch (id boolean PRIMARY KEY DEFAULT true CHECK (id), epoch text NOT NULL, anchor oid NOT NULL)');
        await client.query('INSERT INTO history_epoch SELECT * FROM kept');
      } finally {
        await client.end();
      }
      const restored = await epochOf(harness.databaseUrl);
      assert.notEqual(restored, epoch, 'a restored table is another epoch');
      assert.equal(await epochOf(harness.databaseUrl), restored, 'once drawn, kept across restarts');
    } finally {
      await harness.dispose();
    }
  });
});
