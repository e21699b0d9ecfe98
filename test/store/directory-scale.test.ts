import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { directorySql as postgresDirectorySql } from '../../src/store/postgres/rooms.js';
import type { DirectoryPage, DirectoryQuery } from '../../src/store/rooms.js';
import { directorySql as sqliteDirectorySql } from '../../src/store/sqlite/rooms.js';
import type { Store } from '../../src/store/store.js';
import { skipUnlessAvailable } from '../helpers/services.js';
import { postgresHarness, postgresReachable, postgresUrl, sqliteHarness, type StoreHarness } from './harness.js';

/** Rooms inserted: the directory must stay fast at a million. */
const ROOMS = 1_000_000;
/** A generous bound for the median page: the machine is shared and noisy; measured pages take about a millisecond. */
const MEDIAN_BOUND_MS = 50;
const CALLS = 7;

/**
 * Room names of four families in turn (`Alpha-0000001`, `beta-0000002`, `Gamma-…`, `delta-…`),
 * every tenth a direct room, so a page starts in the middle of the index and a prefix matches
 * a quarter of the rooms, or a thousand, or none.
 */
const FAMILY = (i: string): string =>
  `CASE ${i} % 4 WHEN 0 THEN 'Alpha' WHEN 1 THEN 'beta' WHEN 2 THEN 'Gamma' ELSE 'delta' END`;

interface Backend {
  readonly name: string;
  readonly skip: string | false;
  /** Fills the database with ROOMS rooms in one statement. */
  insertRooms(harness: StoreHarness): Promise<void>;
  /** The plan of each directory statement, as lines of text. */
  plans(harness: StoreHarness): Promise<string[][]>;
}

const variants = [
  { prefix: false, cursor: false },
  { prefix: false, cursor: true },
  { prefix: true, cursor: false },
  { prefix: true, cursor: true },
];

const sqliteFile = (harness: StoreHarness): string => harness.databaseUrl.slice('sqlite:'.length);

const sqlite: Backend = {
  name: 'SQLite',
  skip: false,
  insertRooms: async (harness) => {
    const db = new Database(sqliteFile(harness), { timeout: 5000 });
    try {
      db.exec(`WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${ROOMS})
        INSERT INTO rooms (name, kind, created_at)
        SELECT CASE WHEN i % 10 = 0 THEN 'dm:g:' || i || ':g:x' ELSE printf('%s-%07d', ${FAMILY('i')}, i) END,
               CASE WHEN i % 10 = 0 THEN 'direct' ELSE 'public' END, 0
          FROM n`);
    } finally {
      db.close();
    }
  },
  plans: async (harness) => {
    const db = new Database(sqliteFile(harness), { readonly: true });
    try {
      const parameters = { lo: 'beta-05', hi: 'beta-05\u{10FFFF}', key: 'beta-0500001', id: 500_001, limit: 51 };
      return variants.map((variant) =>
        db
          .prepare<Record<string, unknown>, { detail: string }>(`EXPLAIN QUERY PLAN ${sqliteDirectorySql(variant)}`)
          .all(parameters)
          .map((row) => row.detail),
      );
    } finally {
      db.close();
    }
  },
};

const postgresAvailable = await postgresReachable();
const postgres: Backend = {
  name: 'PostgreSQL',
  skip: skipUnlessAvailable('PostgreSQL', postgresAvailable, `at ${new URL(postgresUrl).host}`),
  insertRooms: async (harness) => {
    const client = new pg.Client({ connectionString: harness.databaseUrl });
    await client.connect();
    try {
      await client.query(`INSERT INTO rooms (name, kind, created_at)
        SELECT CASE WHEN i % 10 = 0 THEN 'dm:g:' || i || ':g:x' ELSE ${FAMILY('i')} || '-' || lpad(i::text, 7, '0') END,
               CASE WHEN i % 10 = 0 THEN 'direct' ELSE 'public' END, 0
          FROM generate_series(1, ${ROOMS}) AS i`);
      await client.query('ANALYZE rooms');
    } finally {
      await client.end();
    }
  },
  plans: async (harness) => {
    const client = new pg.Client({ connectionString: harness.databaseUrl });
    await client.connect();
    try {
      const plans: string[][] = [];
      for (const variant of variants) {
        const values: unknown[] = [51];
        if (variant.prefix) values.push('beta-05', 'beta-05\u{10FFFF}');
        if (variant.cursor) values.push('beta-0500001', 500_001);
        const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${postgresDirectorySql(variant)}`, values);
        plans.push(rows.map((row) => row['QUERY PLAN']));
      }
      return plans;
    } finally {
      await client.end();
    }
  },
};

/** The median time of CALLS calls of `call`, in milliseconds, after one warm-up call. */
async function medianMs(call: () => Promise<unknown>): Promise<number> {
  await call();
  const times: number[] = [];
  for (let index = 0; index < CALLS; index++) {
    const start = performance.now();
    await call();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

for (const backend of [sqlite, postgres]) {
  describe(`room directory at ${ROOMS.toLocaleString('en')} rooms: ${backend.name}`, { skip: backend.skip }, () => {
    let harness: StoreHarness;
    let store: Store;
    const page = async (query: DirectoryQuery): Promise<DirectoryPage> => {
      const answer = await store.rooms.directory(query);
      assert.ok(answer);
      return answer;
    };

    before(async () => {
      harness = backend === sqlite ? await sqliteHarness() : await postgresHarness();
      // Opened first: the store migrates the database the rooms go into.
      store = await harness.open();
      const start = performance.now();
      await backend.insertRooms(harness);
      console.log(`${backend.name}: ${ROOMS} rooms inserted in ${Math.round(performance.now() - start)} ms`);
    });
    after(async () => {
      await store.close();
      await harness.dispose();
    });

    test('every directory statement is a range of the rooms_directory index, with no sort', async () => {
      const plans = await backend.plans(harness);
      for (const [index, plan] of plans.entries()) {
        console.log(`${backend.name} plan ${JSON.stringify(variants[index])}:\n  ${plan.join('\n  ')}`);
        const text = plan.join('\n');
        assert.match(text, /rooms_directory/, 'reads the directory index');
        assert.doesNotMatch(text, /TEMP B-TREE|Sort|Seq Scan|SCAN rooms(?! USING INDEX)/, 'no sort and no scan of the table');
      }
    });

    test('a page, a deep page and searches each take well under 100 ms (median)', async () => {
      const first = await page({ limit: 50 });
      assert.equal(first.rooms.length, 50);
      assert.ok(first.rooms.every((room) => room.name.startsWith('Alpha-')), 'Alpha sorts first');
      assert.ok(first.next !== null);
      const deep = await page({ prefix: 'beta-05', limit: 50 });
      assert.ok(deep.next !== null);
      // A cursor near the end of a prefix that matches a quarter of the rooms.
      const late = await page({ prefix: 'beta-099', limit: 50 });
      assert.ok(late.next !== null);
      const search = await page({ prefix: 'GAMMA-00012', limit: 50 });
      assert.ok(search.rooms.length > 0 && search.rooms.every((room) => room.name.startsWith('Gamma-00012')));

      const timings = {
        'first page': await medianMs(() => page({ limit: 50 })),
        'page after a cursor deep in the index': await medianMs(() => page({ after: deep.next ?? 0, limit: 100 })),
        'search, many matches': await medianMs(() => page({ prefix: 'beta-05', limit: 50 })),
        'search, next page': await medianMs(() => page({ prefix: 'beta-05', after: deep.next ?? 0, limit: 50 })),
        'search, a late page of a broad prefix': await medianMs(() => page({ prefix: 'b', after: late.next ?? 0, limit: 50 })),
        'search, few matches': await medianMs(() => page({ prefix: 'gamma-00012', limit: 50 })),
        'search, no match': await medianMs(() => page({ prefix: 'zzz', limit: 50 })),
      };
      console.log(`${backend.name} directory medians (ms): ${JSON.stringify(timings, (_key, value: unknown) => (typeof value === 'number' ? Number(value.toFixed(2)) : value))}`);
      for (const [what, median] of Object.entries(timings)) assert.ok(median < MEDIAN_BOUND_MS, `${what}: median ${median.toFixed(1)} ms`);
      // A late page costs what the first does: it starts at the cursor, not at the prefix.
      const latePage = timings['search, a late page of a broad prefix'];
      assert.ok(latePage < 2 + 20 * timings['first page'], `a late page of a broad prefix: median ${latePage.toFixed(1)} ms`);
    });
  });
}
