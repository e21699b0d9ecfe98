import Database from 'better-sqlite3';
import pg from 'pg';
import { io } from 'socket.io-client';
import type { Ack } from '../../src/shared/errors.js';
import type { SearchResults } from '../../src/shared/events.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { createBenchDatabase } from '../postgres-database.js';
import { count, ms, seconds, triple } from '../report.js';
import { startParley, tempDir, type ServerUnderTest } from '../server-process.js';
import type { BenchOptions, Row, Scenario } from './scenario.js';

/** Messages stored before searching: the million. */
const MESSAGES = 1_000_000;
const ROOMS = 100;
/** Each message: the common word with this chance, then WORDS_PER_MESSAGE of VOCABULARY words. */
const COMMON_SHARE = 0.5;
const VOCABULARY = 2000;
const WORDS_PER_MESSAGE = 8;
/** Searches of each query, one after the other, from one client. */
const ROUNDS = 40;
const WARM_UP_ROUNDS = 3;
const TARGET_MS = 100;

/** The queries, from the rarest to the most common: every page is the newest 20 hits. */
const QUERIES = [
  { query: 'w1234 w567', what: 'two rare words together (~16 hits)' },
  { query: 'w1234', what: 'one rare word (~4,000 hits)' },
  { query: 'w12', what: 'a prefix of 111 words (~44,000 hits)' },
  { query: 'the', what: 'a word in half of all messages (500,000 hits)' },
] as const;

/** The search limit is raised for the one benchmarking client: the limit is tested elsewhere. */
const ENV = { PARLEY_LIMITS: JSON.stringify({ 'search.user': { points: 1_000_000, seconds: 1 } }) };

/** A deterministic message text, so both backends hold the same history. */
function textOf(index: number): string {
  let state = (index * 2654435761) >>> 0;
  const next = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const words: string[] = next() < COMMON_SHARE ? ['the'] : [];
  for (let i = 0; i < WORDS_PER_MESSAGE; i++) words.push(`w${Math.floor(next() * VOCABULARY)}`);
  return words.join(' ');
}

/** Fills a fresh SQLite file (migrated by SqliteStore, so the triggers index every row). */
async function fillSqlite(file: string): Promise<void> {
  await new SqliteStore(file).close();
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  const addRoom = db.prepare("INSERT INTO rooms (name, created_at, kind) VALUES (?, ?, 'public') RETURNING id");
  const rooms = [1, ...Array.from({ length: ROOMS - 1 }, (_, i) => (addRoom.get(`bench-${i}`, Date.now()) as { id: number }).id)];
  const insert = db.prepare("INSERT INTO messages (room_id, seq, author, content, created_at, kind, author_id) VALUES (?, ?, 'bench', ?, ?, 'message', 'g:bench')");
  const base = Date.now() - MESSAGES;
  const chunk = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) insert.run(rooms[i % ROOMS], Math.floor(i / ROOMS) + 1, textOf(i), base + i);
  });
  for (let from = 0; from < MESSAGES; from += 50_000) chunk(from, Math.min(MESSAGES, from + 50_000));
  db.prepare('UPDATE rooms SET head = (SELECT coalesce(max(seq), 0) FROM messages WHERE room_id = rooms.id)').run();
  db.close();
}

/** Fills a fresh PostgreSQL database the same way (migrated by PostgresStore; the trigger indexes each statement). */
async function fillPostgres(url: string): Promise<void> {
  await (await PostgresStore.open(url)).close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`INSERT INTO rooms (name, created_at, kind) SELECT 'bench-' || i, 0, 'public' FROM generate_series(0, ${ROOMS - 2}) i`);
    const { rows } = await client.query<{ id: number }>('SELECT id FROM rooms ORDER BY id');
    const rooms = rows.map((row) => row.id);
    const base = Date.now() - MESSAGES;
    for (let from = 0; from < MESSAGES; from += 20_000) {
      const to = Math.min(MESSAGES, from + 20_000);
      const indexes = Array.from({ length: to - from }, (_, k) => from + k);
      await client.query(
        `INSERT INTO messages (room_id, seq, author, content, created_at, kind, author_id)
         SELECT r, s, 'bench', t, c, 'message', 'g:bench' FROM unnest($1::int[], $2::bigint[], $3::text[], $4::bigint[]) AS x(r, s, t, c)`,
        [indexes.map((i) => rooms[i % ROOMS]), indexes.map((i) => Math.floor(i / ROOMS) + 1), indexes.map(textOf), indexes.map((i) => base + i)],
      );
    }
    await client.query('UPDATE rooms SET head = (SELECT coalesce(max(seq), 0) FROM messages WHERE room_id = rooms.id)');
    await client.query('VACUUM ANALYZE');
  } finally {
    await client.end();
  }
}

/** Each query ROUNDS times from one connected client: acknowledgement latencies in ms, and the hits of the first page. */
async function measure(server: ServerUnderTest): Promise<{ query: string; what: string; latencies: number[]; hits: number }[]> {
  const socket = io(server.url, { transports: ['websocket'], forceNew: true, auth: { rooms: {} } });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  try {
    const results = [];
    for (const { query, what } of QUERIES) {
      const latencies: number[] = [];
      let hits = 0;
      // Warm-up rounds, not counted: the first search of a query reads the index from disk.
      for (let round = 0; round < WARM_UP_ROUNDS; round++) await socket.timeout(30_000).emitWithAck('search:messages', { query, limit: 20 });
      for (let round = 0; round < ROUNDS; round++) {
        const started = performance.now();
        const ack = (await socket.timeout(30_000).emitWithAck('search:messages', { query, limit: 20 })) as Ack<SearchResults>;
        latencies.push(performance.now() - started);
        if (!ack.ok) throw new Error(`search refused: ${ack.error} ${ack.message}`);
        hits = ack.data.hits.length;
      }
      results.push({ query, what, latencies, hits });
    }
    return results;
  } finally {
    socket.close();
  }
}

const pick = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;

/**
 * Issue 13, part 1: full-text search at a million stored messages, on the deployment's
 * backend: SQLite (FTS5) or PostgreSQL (tsvector, GIN); a full run measures both. From a client:
 * `search:messages` sent to acknowledgement, first page (20 hits), ROUNDS times per query.
 */
export const search: Scenario = {
  name: 'search',
  async run(options: BenchOptions) {
    const rows: Row[] = [];
    const notes: string[] = [];
    const title = `Search at ${count(MESSAGES)} stored messages`;
    if (options.target !== undefined) return { name: 'search', title, rows, notes: ['skipped: this scenario builds its own database and cannot use --target'] };
    if (options.database === 'two-nodes') return { name: 'search', title, rows, notes: ['skipped: two nodes search the one PostgreSQL database, measured on one node'] };
    const backend = options.database === 'sqlite' ? 'SQLite' : 'PostgreSQL';
    const filledAt = performance.now();
    let server: ServerUnderTest;
    let drop = async (): Promise<void> => undefined;
    if (options.database === 'sqlite') {
      const file = `${tempDir('parley-bench-search-')}/parley.db`;
      await fillSqlite(file);
      notes.push(`${count(MESSAGES)} messages in ${ROOMS} rooms stored and indexed in ${seconds((performance.now() - filledAt) / 1000)}`);
      server = await startParley({ workers: options.workers, databaseUrl: `sqlite:${file}`, env: ENV, nodeArgs: [] });
    } else {
      const database = await createBenchDatabase();
      drop = () => database.drop();
      await fillPostgres(database.url);
      notes.push(`${count(MESSAGES)} messages in ${ROOMS} rooms stored and indexed in ${seconds((performance.now() - filledAt) / 1000)}`);
      server = await startParley({ workers: options.workers, databaseUrl: database.url, env: ENV, nodeArgs: [] });
    }
    try {
      for (const result of await measure(server)) {
        const sorted = [...result.latencies].sort((a, b) => a - b);
        const p99 = pick(sorted, 0.99);
        rows.push({
          metric: `${backend}: "${result.query}", ${result.what}: p50 / p95 / p99`,
          parley: `${triple([pick(sorted, 0.5), pick(sorted, 0.95), p99].map((v) => Math.round(v * 10) / 10) as [number, number, number])} (${result.hits} hits)`,
          target: `p99 <= ${ms(TARGET_MS)}`,
          met: p99 <= TARGET_MS,
        });
      }
    } finally {
      await server.stop();
      await drop();
    }
    notes.push(`each query ${ROUNDS} times in a row (after ${WARM_UP_ROUNDS} not counted) from one websocket client, the newest 20 hits; latency is send to acknowledgement`);
    return { name: 'search', title, rows, notes };
  },
};
