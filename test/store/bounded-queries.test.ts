import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { MEMBERS_BY_PREFIX_SQL as postgresMembersByPrefix, RECORD_MENTIONS_SQL as postgresRecordMentions } from '../../src/store/postgres/mentions.js';
import { LIVE_MESSAGE_SQL as postgresLiveMessage, listingSql as postgresListing } from '../../src/store/postgres/rooms.js';
import { SEARCH_SQL as postgresSearch } from '../../src/store/postgres/search.js';
import { PINNED_SQL as postgresPinned, PIN_OF_SQL as postgresPinOf } from '../../src/store/postgres/pins.js';
import { PINNED_SQL as sqlitePinned, PIN_OF_SQL as sqlitePinOf } from '../../src/store/sqlite/pins.js';
import { AUTHOR_EVENTS_SQL as postgresAuthorEvents, MEMBERSHIPS_OF_SQL as postgresMembershipsOf, MEMBERSHIPS_SQL as postgresMemberships } from '../../src/store/postgres/exports.js';
import { AUTHOR_EVENTS_SQL as sqliteAuthorEvents, MEMBERSHIPS_OF_SQL as sqliteMembershipsOf, MEMBERSHIPS_SQL as sqliteMemberships } from '../../src/store/sqlite/exports.js';
import { SEARCH_SPAN, searchTerms } from '../../src/store/search.js';
import { MEMBERS_BY_PREFIX_SQL as sqliteMembersByPrefix, RECORD_MENTIONS_SQL as sqliteRecordMentions } from '../../src/store/sqlite/mentions.js';
import { LISTING_SQL as sqliteListing, LIVE_MESSAGE_SQL as sqliteLiveMessage } from '../../src/store/sqlite/rooms.js';
import { DIRECT_SEARCH_SQL as sqliteDirectSearch, PUBLIC_SEARCH_SQL as sqlitePublicSearch } from '../../src/store/sqlite/search.js';
import { DEFAULT_ROOM, type Store } from '../../src/store/store.js';
import { skipUnlessAvailable } from '../helpers/services.js';
import { postgresHarness, postgresReachable, postgresUrl, sqliteHarness, type StoreHarness } from './harness.js';

/**
 * Issue 22, item 10: work a client can trigger, within every rate limit, must be bounded by
 * an index and by what it returns, never by a room's history, its membership, or rooms the
 * caller cannot read. A room as large as the attacks used (scaled down for the test's time)
 * is built in bulk, then each query's plan is checked and its cost compared with the same
 * call in a small room.
 */
const GENERAL_MESSAGES = 100_000;
const MEMBERS = 20_000;
const DIRECT_ROOMS = 500;
const PER_DIRECT_ROOM = 40;
const SMALL_MESSAGES = 50;
const SMALL_MEMBERS = 50;
/** A word found only in direct rooms the searcher is not in. */
const SECRET = 'zyxsecret';
const CALLS = 9;

/** Each message holds one word starting with q, x, z or j in turn: never two of them. */
const WORD = (i: string): string => `CASE ${i} % 4 WHEN 0 THEN 'quartz' WHEN 1 THEN 'xenon' WHEN 2 THEN 'zinc' ELSE 'jade' END`;
/** Deletions stored after a room's messages, of every 200th message: the change index has rows to read. */
const deletions = (messages: number): number => Math.floor(messages / 200);
const memberName = (i: number): string => `member${String(i).padStart(5, '0')}`;

interface Backend {
  readonly name: string;
  readonly skip: string | false;
  /** Fills `room` with `messages` messages and `members` members, and adds the direct rooms once. */
  fill(harness: StoreHarness, room: number, messages: number, members: number): Promise<void>;
  addDirectRooms(harness: StoreHarness): Promise<void>;
  /** Each statement's plan, as text, by what it is. */
  plans(harness: StoreHarness, general: number): Promise<Record<string, string>>;
}

const sqliteFile = (harness: StoreHarness): string => harness.databaseUrl.slice('sqlite:'.length);

async function withSqlite<T>(harness: StoreHarness, work: (db: Database.Database) => T): Promise<T> {
  const db = new Database(sqliteFile(harness), { timeout: 5000 });
  try {
    return work(db);
  } finally {
    db.close();
  }
}

const sqlite: Backend = {
  name: 'SQLite',
  skip: false,
  fill: (harness, room, messages, members) =>
    withSqlite(harness, (db) => {
      db.transaction(() => {
        db.exec(`WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${messages})
          INSERT INTO messages (room_id, seq, author, content, created_at, kind, author_id)
          SELECT ${room}, i, 'author', ${WORD('i')} || ' chat ' || i, 0, 'message', 'user-author' FROM n`);
        db.exec(`WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${deletions(messages)})
          INSERT INTO messages (room_id, seq, author, content, created_at, kind, target, author_id)
          SELECT ${room}, ${messages} + i, 'author', '', 0, 'delete', i * 200, 'user-author' FROM n`);
        db.exec(`UPDATE rooms SET head = ${messages + deletions(messages)} WHERE id = ${room}`);
        db.exec(`WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${messages / 10})
          INSERT INTO mentions (user_id, room_id, seq) SELECT 'user-m' || (i % ${members} + 1), ${room}, i * 10 FROM n`);
        db.exec(`WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${members})
          INSERT INTO room_members (room_id, user_id, user_name, joined_at)
          SELECT ${room}, 'user-m' || i, printf('member%05d', i), 0 FROM n`);
        const columns = db.prepare<[], { name: string }>('PRAGMA table_info(room_members)').all();
        // Names are ASCII here, so SQLite's lower() folds them as the store does.
        if (columns.some((column) => column.name === 'name_fold')) db.exec(`UPDATE room_members SET name_fold = lower(user_name) WHERE room_id = ${room}`);
      })();
    }),
  addDirectRooms: (harness) =>
    withSqlite(harness, (db) => {
      db.transaction(() => {
        db.exec(`WITH RECURSIVE n (k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < ${DIRECT_ROOMS})
          INSERT INTO rooms (name, kind, head, created_at) SELECT 'dm:user-a' || k || ':user-b' || k, 'direct', ${PER_DIRECT_ROOM}, 0 FROM n`);
        db.exec(`INSERT INTO room_members (room_id, user_id, user_name, joined_at)
          SELECT id, substr(name, 4, instr(substr(name, 4), ':') - 1), 'someone', 0 FROM rooms WHERE kind = 'direct'`);
        db.exec(`WITH RECURSIVE n (j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM n WHERE j < ${PER_DIRECT_ROOM})
          INSERT INTO messages (room_id, seq, author, content, created_at, kind, author_id)
          SELECT r.id, n.j, 'someone', 'our ${SECRET} number ' || n.j, 0, 'message', 'user-x' FROM rooms r, n WHERE r.kind = 'direct'`);
      })();
    }),
  plans: (harness, general) =>
    withSqlite(harness, (db) => {
      const plan = (sql: string, parameters: unknown): string =>
        db
          .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
          .all(...(Array.isArray(parameters) ? parameters : [parameters]))
          .map((row) => row.detail)
          .join('\n');
      return {
        'live message': plan(sqliteLiveMessage, [general, 5, general, 5]),
        'room listing': plan(sqliteListing, { user: 'guest-new', room: general }),
        'record mentions': plan(sqliteRecordMentions, { room: general, seq: 5, names: '["member00001"]', author: null }),
        'members by prefix': plan(sqliteMembersByPrefix, { room: general, lo: 'member1', hi: 'member1\u{10FFFF}', limit: 8 }),
        'search, public rooms': plan(sqlitePublicSearch, { match: '"chat"*', before: 1e15, limit: 21 }),
        'search, direct rooms': plan(sqliteDirectSearch, { match: '{room} : (r2) AND {text} : ("chat"*)', before: 1e15, limit: 21 }),
        'pinned messages': plan(sqlitePinned, { room: general, limit: 50 }),
        'pin of a message': plan(sqlitePinOf, { room: general, target: 5 }),
        "export, an author's events": plan(sqliteAuthorEvents, { author: 'user-author', kinds: '["message"]', room: general, seq: 50_000, limit: 1000 }),
        'export, memberships': plan(sqliteMemberships, { room: general, user: 'user-m5', limit: 1000 }),
        "export, a person's memberships": plan(sqliteMembershipsOf, { user: 'user-m5', room: 0, limit: 1000 }),
      };
    }),
};

async function withPostgres<T>(harness: StoreHarness, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: harness.databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const postgres: Backend = {
  name: 'PostgreSQL',
  skip: skipUnlessAvailable('PostgreSQL', await postgresReachable(), `at ${new URL(postgresUrl).host}`),
  fill: (harness, room, messages, members) =>
    withPostgres(harness, async (client) => {
      await client.query(`INSERT INTO messages (room_id, seq, author, content, created_at, kind, author_id)
        SELECT ${room}, i, 'author', ${WORD('i')} || ' chat ' || i, 0, 'message', 'user-author' FROM generate_series(1, ${messages}) AS i`);
      await client.query(`INSERT INTO messages (room_id, seq, author, content, created_at, kind, target, author_id)
        SELECT ${room}, ${messages} + i, 'author', '', 0, 'delete', i * 200, 'user-author' FROM generate_series(1, ${deletions(messages)}) AS i`);
      await client.query(`UPDATE rooms SET head = ${messages + deletions(messages)} WHERE id = ${room}`);
      await client.query(`INSERT INTO mentions (user_id, room_id, seq)
        SELECT 'user-m' || (i % ${members} + 1), ${room}, i * 10 FROM generate_series(1, ${messages / 10}) AS i`);
      await client.query(`INSERT INTO room_members (room_id, user_id, user_name, joined_at)
        SELECT ${room}, 'user-m' || i, 'member' || lpad(i::text, 5, '0'), 0 FROM generate_series(1, ${members}) AS i`);
    }),
  addDirectRooms: (harness) =>
    withPostgres(harness, async (client) => {
      await client.query(`INSERT INTO rooms (name, kind, head, created_at)
        SELECT 'dm:user-a' || k || ':user-b' || k, 'direct', ${PER_DIRECT_ROOM}, 0 FROM generate_series(1, ${DIRECT_ROOMS}) AS k`);
      await client.query(`INSERT INTO room_members (room_id, user_id, user_name, joined_at)
        SELECT id, split_part(name, ':', 2), 'someone', 0 FROM rooms WHERE kind = 'direct'`);
      await client.query(`INSERT INTO messages (room_id, seq, author, content, created_at, kind, author_id)
        SELECT r.id, j, 'someone', 'our ${SECRET} number ' || j, 0, 'message', 'user-x'
          FROM rooms r CROSS JOIN generate_series(1, ${PER_DIRECT_ROOM}) AS j WHERE r.kind = 'direct' ORDER BY j, r.id`);
      await client.query('ANALYZE');
    }),
  plans: (harness, general) =>
    withPostgres(harness, async (client) => {
      const plan = async (sql: string, values: unknown[]): Promise<string> => {
        // EXPLAIN without ANALYZE plans an INSERT without running it.
        const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, values);
        return rows.map((row) => row['QUERY PLAN']).join('\n');
      };
      return {
        'live message': await plan(postgresLiveMessage, [general, 5]),
        'room listing': await plan(postgresListing('r.id = $2::integer'), ['guest-new', general]),
        'record mentions': await plan(postgresRecordMentions, [general, 5, ['member00001'], null]),
        'members by prefix': await plan(postgresMembersByPrefix, [general, 'member1', 'member1\u{10FFFF}', 8]),
        search: await plan(postgresSearch, ['chat:*', GENERAL_MESSAGES + 1, GENERAL_MESSAGES + 1 - SEARCH_SPAN, 'guest-new', 21]),
        'pinned messages': await plan(postgresPinned, [general, 50]),
        'pin of a message': await plan(postgresPinOf, [general, 5]),
        "export, an author's events": await plan(postgresAuthorEvents, ['user-author', general, 50_000, 1000, ['message']]),
        'export, memberships': await plan(postgresMemberships, [general, 'user-m5', 1000]),
        "export, a person's memberships": await plan(postgresMembershipsOf, ['user-m5', 0, 1000]),
      };
    }),
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

/** A generous bound for a call in the big room, from the same call in the small one: the machine is shared and noisy. */
const bound = (small: number): number => 4 * small + 3;

for (const backend of [sqlite, postgres]) {
  describe(`bounded queries at ${GENERAL_MESSAGES.toLocaleString('en')} messages and ${MEMBERS.toLocaleString('en')} members: ${backend.name}`, { skip: backend.skip }, () => {
    let harness: StoreHarness;
    let store: Store;
    let general = 0;
    let small = 0;

    before(async () => {
      harness = backend === sqlite ? await sqliteHarness() : await postgresHarness();
      // Opened first: the store migrates the database the rows go into.
      store = await harness.open();
      general = (await store.roomByName(DEFAULT_ROOM))?.id ?? 0;
      small = await harness.addRoom('small');
      const start = performance.now();
      await backend.fill(harness, general, GENERAL_MESSAGES, MEMBERS);
      await backend.fill(harness, small, SMALL_MESSAGES, SMALL_MEMBERS);
      await backend.addDirectRooms(harness);
      console.log(`${backend.name}: filled in ${Math.round(performance.now() - start)} ms`);
    });
    after(async () => {
      await store.close();
      await harness.dispose();
    });

    test('every statement a client can trigger reads index ranges: no scan of messages, members or the search index', async () => {
      const plans = await backend.plans(harness, general);
      for (const [what, plan] of Object.entries(plans)) {
        console.log(`${backend.name} plan, ${what}:\n  ${plan.replaceAll('\n', '\n  ')}`);
        assert.doesNotMatch(plan, /Seq Scan on (messages|room_members|mentions|message_search)|\bSCAN (messages|room_members|mentions|search_rows|m|x|d|mn|s)\b/, `${what}: scans a table`);
      }
      assert.match(plans['live message'] ?? '', backend === sqlite ? /messages_change/ : /messages_target/, 'the deletion probe uses the change index');
      assert.doesNotMatch(plans['live message'] ?? '', /USING PRIMARY KEY \(room_id=\?\)\n|USING PRIMARY KEY \(room_id=\?\)$/, 'the deletion probe is no range of the whole room');
      assert.match(plans['record mentions'] ?? '', /room_members_name/);
      assert.match(plans['members by prefix'] ?? '', /room_members_name/);
      assert.doesNotMatch(plans['members by prefix'] ?? '', /TEMP B-TREE|Sort/, 'completions are read in index order');
      for (const what of ['pinned messages', 'pin of a message']) {
        assert.match(plans[what] ?? '', /messages_pins/, `${what}: read from the pins index`);
        assert.doesNotMatch(plans[what] ?? '', /USING PRIMARY KEY \(room_id=\?\)(\n|$)/, `${what}: no range of the whole room`);
      }
      assert.match(plans["export, an author's events"] ?? '', /messages_author/, "an export reads an author's events by their index");
      assert.doesNotMatch(plans["export, an author's events"] ?? '', /TEMP B-TREE|\bSort\b/, "an author's events are read in index order");
      assert.match(plans["export, an author's events"] ?? '', backend === sqlite ? /messages_change/ : /messages_target/, "a message's last edit is read from the change index");
      assert.doesNotMatch(plans["export, an author's events"] ?? '', /USING PRIMARY KEY \(room_id=\?\)(\n|$)/, "a message's last edit is no range of the whole room");
      // PostgreSQL may sort a membership page's candidates when it estimates them few (a
      // person's rooms); SQLite reads them in index order.
      if (backend === sqlite) for (const what of ['export, memberships', "export, a person's memberships"]) assert.doesNotMatch(plans[what] ?? '', /TEMP B-TREE/, `${what}: read in index order`);
    });

    test('a reaction, edit or deletion, a new guest\'s listing, 20 mentions and a completion cost about the same in the big room as in a small one', async () => {
      const names = Array.from({ length: 20 }, (_, index) => memberName(index * 997 + 1));
      const smallNames = Array.from({ length: 20 }, (_, index) => memberName(index * 2 + 1));
      const listing = await store.rooms.roomListing(general, 'guest-new');
      assert.equal(listing?.unread, 1000, 'a new guest sees the capped count');
      const mentioned = await store.mentions.recordMentions(general, GENERAL_MESSAGES - 1, names, null);
      assert.equal(mentioned.length, 20, 'every named member is mentioned');
      assert.equal((await store.mentions.membersByPrefix(general, 'MEMBER1', 8)).length, 8);
      assert.ok(await store.rooms.liveMessage(general, GENERAL_MESSAGES / 2 + 1));

      const timings = {
        'live message (reaction, edit, deletion)': [
          await medianMs(() => store.rooms.liveMessage(general, GENERAL_MESSAGES / 2 + 1)),
          await medianMs(() => store.rooms.liveMessage(small, SMALL_MESSAGES / 2)),
        ],
        "a new guest's listing (room:join, room:list)": [
          await medianMs(() => store.rooms.roomListing(general, 'guest-new')),
          await medianMs(() => store.rooms.roomListing(small, 'guest-new')),
        ],
        'a message naming 20 members': [
          await medianMs(() => store.mentions.recordMentions(general, GENERAL_MESSAGES - 2, names, null)),
          await medianMs(() => store.mentions.recordMentions(small, SMALL_MESSAGES - 2, smallNames, null)),
        ],
        'completing a prefix (room:members)': [
          await medianMs(() => store.mentions.membersByPrefix(general, 'member1', 8)),
          await medianMs(() => store.mentions.membersByPrefix(small, 'member', 8)),
        ],
      };
      console.log(`${backend.name} medians (ms), [big room, small room]: ${JSON.stringify(timings, (_key, value: unknown) => (typeof value === 'number' ? Number(value.toFixed(2)) : value))}`);
      for (const [what, [big = Number.NaN, smallRoom = Number.NaN]] of Object.entries(timings)) {
        assert.ok(big < bound(smallRoom), `${what}: median ${big.toFixed(2)} ms in the big room against ${smallRoom.toFixed(2)} ms in the small one`);
      }
    });

    test('a search reads only rooms its caller may read: a word of other people\'s direct rooms costs what a missing word does', async () => {
      const outsider = await store.search.searchMessages({ userId: 'guest-new', terms: searchTerms(SECRET), limit: 20 });
      assert.equal(outsider.hits.length, 0, 'an outsider finds nothing');
      const member = await store.search.searchMessages({ userId: 'user-a1', terms: searchTerms(SECRET), limit: 20 });
      assert.equal(member.hits.length, 20, 'a member finds their own');
      assert.ok(member.hits.every((hit) => hit.roomName === 'dm:user-a1:user-b1'));

      assert.deepEqual(searchTerms('q x z j'), ['q'], 'one one-letter word at most');
      if (backend === postgres) {
        // Never found together: each page reads one span of the history, then says where to go on.
        const apart = await store.search.searchMessages({ userId: 'guest-new', terms: searchTerms('quartz xenon'), limit: 20 });
        assert.equal(apart.hits.length, 0);
        assert.ok(apart.next !== null, 'a page that found nothing in its span still has a next page');
        const older = await store.search.searchMessages({ userId: 'guest-new', terms: searchTerms('quartz xenon'), limit: 20, before: apart.next });
        assert.ok(older.next !== null && older.next < apart.next, 'the next page reads further back');
      }

      const timings = {
        "a word only in others' direct rooms": await medianMs(() => store.search.searchMessages({ userId: 'guest-new', terms: searchTerms(SECRET), limit: 20 })),
        'a word found nowhere': await medianMs(() => store.search.searchMessages({ userId: 'guest-new', terms: searchTerms('nowherefound'), limit: 20 })),
        'a member, in their own direct rooms': await medianMs(() => store.search.searchMessages({ userId: 'user-a1', terms: searchTerms(SECRET), limit: 20 })),
        'a common word': await medianMs(() => store.search.searchMessages({ userId: 'guest-new', terms: searchTerms('chat'), limit: 20 })),
        'one-letter prefixes': await medianMs(() => store.search.searchMessages({ userId: 'guest-new', terms: searchTerms('q x z j'), limit: 20 })),
        'two words never found together': await medianMs(() => store.search.searchMessages({ userId: 'guest-new', terms: searchTerms('quartz xenon'), limit: 20 })),
      };
      console.log(`${backend.name} search medians (ms): ${JSON.stringify(timings, (_key, value: unknown) => (typeof value === 'number' ? Number(value.toFixed(2)) : value))}`);
      const nowhere = timings['a word found nowhere'];
      // A common word of four letters or more is left out: SQLite's FTS5 merges the lists of
      // every word it starts (it has prefix indexes for two and three letters only).
      for (const what of ["a word only in others' direct rooms", 'a member, in their own direct rooms'] as const) {
        assert.ok(timings[what] < bound(nowhere), `${what}: median ${timings[what].toFixed(2)} ms against ${nowhere.toFixed(2)} ms for a word found nowhere`);
      }
    });
  });
}
