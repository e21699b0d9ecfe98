import Database from 'better-sqlite3';
import pg from 'pg';
import { createStore } from '../../src/store/index.js';

/**
 * The history the `data` attack meets (issue 22, item 10): messages in `general`, direct
 * rooms between other people holding a word found nowhere else, and members of `general`
 * whose names a message can mention.
 */
export interface DataSize {
  readonly generalMessages: number;
  readonly directRooms: number;
  readonly perDirectRoom: number;
  readonly members: number;
}

/** The size the attacks were found at: 150,000 messages in general, 50,000 in direct rooms, 20,000 members. */
const FULL: DataSize = { generalMessages: 150_000, directRooms: 1_250, perDirectRoom: 40, members: 20_000 };

/** FULL scaled to `percent` (1 to 100), for a machine too busy for the full size. */
export function dataSize(percent: number): DataSize {
  const scale = (value: number): number => Math.max(1, Math.round((value * percent) / 100));
  return { generalMessages: scale(FULL.generalMessages), directRooms: scale(FULL.directRooms), perDirectRoom: FULL.perDirectRoom, members: scale(FULL.members) };
}

/** The word only the direct rooms hold: a search for it by anyone else must find nothing, cheaply. */
export const SECRET_WORD = 'zyxsecret';
/** The name of member `index` (from 1) of `general`. */
export const memberName = (index: number): string => `member${String(index).padStart(5, '0')}`;
/** `general`, the busy room: the first room every database is created with. */
export const GENERAL_ROOM_ID = 1;
/** Rows written per transaction, so that the seeding holds no lock for long. */
const CHUNK = 20_000;

/** Each message holds one word starting with q, x, z or j in turn, so one-letter searches have much to match. */
const WORD = (i: string): string => `CASE ${i} % 4 WHEN 0 THEN 'quartz' WHEN 1 THEN 'xenon' WHEN 2 THEN 'zinc' ELSE 'jade' END`;

/**
 * Migrates the database at `databaseUrl` (as the server would) and fills it to `size` in
 * bulk, before the server starts: a running server's rooms would see their heads jump.
 */
export async function seedData(databaseUrl: string, size: DataSize): Promise<void> {
  const store = await createStore(databaseUrl);
  await store.close();
  if (databaseUrl.startsWith('sqlite:')) seedSqlite(databaseUrl.slice('sqlite:'.length), size);
  else await seedPostgres(databaseUrl, size);
}

function seedSqlite(file: string, size: DataSize): void {
  const db = new Database(file, { timeout: 5000 });
  try {
    for (let from = 0; from < size.generalMessages; from += CHUNK) {
      const to = Math.min(size.generalMessages, from + CHUNK);
      db.exec(`BEGIN; WITH RECURSIVE n (i) AS (SELECT ${from + 1} UNION ALL SELECT i + 1 FROM n WHERE i < ${to})
        INSERT INTO messages (room_id, seq, author, content, created_at, kind, author_id)
        SELECT ${GENERAL_ROOM_ID}, i, 'seed', ${WORD('i')} || ' chat ' || i, 0, 'message', 'g:seed-author' FROM n; COMMIT`);
    }
    db.transaction(() => {
      db.exec(`UPDATE rooms SET head = ${size.generalMessages} WHERE id = ${GENERAL_ROOM_ID}`);
      db.exec(`WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${size.members})
        INSERT INTO room_members (room_id, user_id, user_name, joined_at)
        SELECT ${GENERAL_ROOM_ID}, 'g:seed-member-' || i, printf('member%05d', i), 0 FROM n`);
      db.exec(`WITH RECURSIVE n (k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < ${size.directRooms})
        INSERT INTO rooms (name, kind, head, created_at) SELECT 'dm:g:seed-a' || k || ':g:seed-b' || k, 'direct', ${size.perDirectRoom}, 0 FROM n`);
      db.exec(`INSERT INTO room_members (room_id, user_id, user_name, joined_at)
        SELECT id, 'g:seed-a' || id, 'someone', 0 FROM rooms WHERE kind = 'direct'`);
      // The names are ASCII, so SQLite's lower() folds them as the store does (migration 12;
      // a schema before it, measured for comparison, has no such column).
      const columns = db.prepare<[], { name: string }>('PRAGMA table_info(room_members)').all();
      if (columns.some((column) => column.name === 'name_fold')) db.exec('UPDATE room_members SET name_fold = lower(user_name)');
    })();
    db.exec(`BEGIN; WITH RECURSIVE n (j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM n WHERE j < ${size.perDirectRoom})
      INSERT INTO messages (room_id, seq, author, content, created_at, kind, author_id)
      SELECT r.id, n.j, 'someone', 'our ${SECRET_WORD} number ' || n.j, 0, 'message', 'g:seed-a' || r.id
        FROM n, rooms r WHERE r.kind = 'direct' ORDER BY n.j, r.id; COMMIT`);
  } finally {
    db.close();
  }
}

async function seedPostgres(databaseUrl: string, size: DataSize): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (let from = 0; from < size.generalMessages; from += CHUNK) {
      const to = Math.min(size.generalMessages, from + CHUNK);
      await client.query(`INSERT INTO messages (room_id, seq, author, content, created_at, kind, author_id)
        SELECT ${GENERAL_ROOM_ID}, i, 'seed', ${WORD('i')} || ' chat ' || i, 0, 'message', 'g:seed-author' FROM generate_series(${from + 1}, ${to}) AS i`);
    }
    await client.query(`UPDATE rooms SET head = ${size.generalMessages} WHERE id = ${GENERAL_ROOM_ID}`);
    await client.query(`INSERT INTO room_members (room_id, user_id, user_name, joined_at)
      SELECT ${GENERAL_ROOM_ID}, 'g:seed-member-' || i, 'member' || lpad(i::text, 5, '0'), 0 FROM generate_series(1, ${size.members}) AS i`);
    await client.query(`INSERT INTO rooms (name, kind, head, created_at)
      SELECT 'dm:g:seed-a' || k || ':g:seed-b' || k, 'direct', ${size.perDirectRoom}, 0 FROM generate_series(1, ${size.directRooms}) AS k`);
    await client.query(`INSERT INTO room_members (room_id, user_id, user_name, joined_at)
      SELECT id, 'g:seed-a' || id, 'someone', 0 FROM rooms WHERE kind = 'direct'`);
    await client.query(`INSERT INTO messages (room_id, seq, author, content, created_at, kind, author_id)
      SELECT r.id, j, 'someone', 'our ${SECRET_WORD} number ' || j, 0, 'message', 'g:seed-a' || r.id
        FROM rooms r CROSS JOIN generate_series(1, ${size.perDirectRoom}) AS j WHERE r.kind = 'direct' ORDER BY j, r.id`);
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
}
