import type pg from 'pg';
import {
  directRoomName,
  MAX_LISTED_ROOMS,
  prefixRange,
  type DirectoryEntry,
  type DirectoryPage,
  type DirectoryQuery,
  type Member,
  type Reader,
  type RoomListing,
  type RoomRecord,
  type RoomStore,
} from '../rooms.js';
import { DEFAULT_ROOM, type StoredMessage } from '../store.js';
import { UNREAD_CAP, UNREAD_WINDOW } from '../../shared/unread.js';
import { MESSAGE_COLUMNS, toMessage, type MessageRow } from './append-batch.js';
import { withClient } from './checkout.js';
import { toStoreError } from './errors.js';

/** Runs one statement on the pool, turning failures into the store's errors. */
export type Query = <Row extends pg.QueryResultRow>(operation: string, text: string, values: unknown[]) => Promise<pg.QueryResult<Row>>;

/** `bigint` columns arrive as strings. */
interface RoomRow {
  id: number;
  name: string;
  kind: RoomRecord['kind'];
  head: string;
}

interface ListingRow extends RoomRow {
  read_offset: string;
  unread: string;
  mentions: string;
  member: boolean;
}

const ROOM_COLUMNS = 'id, name, kind, head';

/** The directory's sort key: the expression of the `rooms_directory` index (migration 4), exactly. */
const DIRECTORY_KEY = '(lower(name) COLLATE "C")';

/**
 * The statement of one directory page: a range of `rooms_directory`, from the prefix or the
 * cursor, read in index order up to `limit` rows. Parameters: $1 limit, then the prefix's
 * bounds ($2, $3) if `prefix`, then the cursor's key and id if `cursor`. Exported so that a
 * test can check its plan.
 */
export function directorySql(options: { prefix: boolean; cursor: boolean }): string {
  const conditions = ["kind = 'public'"];
  let next = 2;
  if (options.prefix) {
    conditions.push(`${DIRECTORY_KEY} >= lower($${next}) AND ${DIRECTORY_KEY} < lower($${next + 1})`);
    next += 2;
  }
  if (options.cursor) conditions.push(`(${DIRECTORY_KEY}, id) > ($${next}::text COLLATE "C", $${next + 1}::integer)`);
  // The member count of each row returned, one primary-key probe each (migration 16).
  return `SELECT id, name, COALESCE((SELECT c.members FROM room_member_counts c WHERE c.room_id = rooms.id), 0) AS members, head FROM rooms WHERE ${conditions.join(' AND ')} ORDER BY ${DIRECTORY_KEY}, id LIMIT $1`;
}
/** Whether message $2 of room $1 is live: two index probes; exported so that a test can check its plan. */
export const LIVE_MESSAGE_SQL = `SELECT ${MESSAGE_COLUMNS} FROM messages
  WHERE room_id = $1 AND seq = $2 AND kind = 'message'
    AND NOT EXISTS (SELECT 1 FROM messages d WHERE d.room_id = $1 AND d.target = $2 AND d.kind = 'delete')`;

/**
 * The listings of the rooms `which` selects (a condition on `r`, with $2) for the user $1.
 * Both counts read one primary-key range of at most UNREAD_WINDOW offsets and stop at
 * UNREAD_CAP (src/shared/unread.ts): a new guest in a long room costs what a regular does.
 * Exported so that a test can check its plan.
 */
export const listingSql = (which: string): string => `SELECT r.id, r.name, r.kind, r.head,
              COALESCE(rm.read_offset, 0) AS read_offset,
              (m.user_id IS NOT NULL) AS member,
              (SELECT COUNT(*) FROM (SELECT 1 FROM messages x
                WHERE x.room_id = r.id AND x.seq > GREATEST(COALESCE(rm.read_offset, 0), r.head - ${UNREAD_WINDOW}) AND x.kind = 'message'
                  AND x.author_id IS DISTINCT FROM $1 LIMIT ${UNREAD_CAP}) u) AS unread,
              (SELECT COUNT(*) FROM (SELECT 1 FROM mentions mn
                WHERE mn.user_id = $1 AND mn.room_id = r.id AND mn.seq > GREATEST(COALESCE(rm.read_offset, 0), r.head - ${UNREAD_WINDOW})
                  AND NOT EXISTS (SELECT 1 FROM messages d WHERE d.room_id = mn.room_id AND d.target = mn.seq AND d.kind = 'delete')
                LIMIT ${UNREAD_CAP}) n) AS mentions
         FROM rooms r
         LEFT JOIN room_members m ON m.room_id = r.id AND m.user_id = $1
         LEFT JOIN read_markers rm ON rm.room_id = r.id AND rm.user_id = $1
        WHERE ${which}
        ORDER BY r.id`;

/** `rooms.id` is a PostgreSQL `integer`: anything else can name no room. */
const isRoomId = (roomId: number): boolean => Number.isInteger(roomId) && roomId > 0 && roomId <= 2 ** 31 - 1;

const toRoom = (row: RoomRow): RoomRecord => ({ id: row.id, name: row.name, kind: row.kind, head: Number(row.head) });

const UPSERT_MEMBER = `INSERT INTO room_members (room_id, user_id, user_name, joined_at) VALUES ($1, $2, $3, $4)
  ON CONFLICT (room_id, user_id) DO UPDATE SET user_name = excluded.user_name`;

/** The PostgreSQL side of RoomStore; PostgresStore delegates to it. */
export class PostgresRooms implements RoomStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly query: Query,
  ) {}

  createRoom(name: string, creator: Member): Promise<RoomRecord | undefined> {
    return this.transaction('createRoom', async (client) => {
      const { rows } = await client.query<RoomRow>(
        `INSERT INTO rooms (name, kind, created_at) VALUES ($1, 'public', $2) ON CONFLICT (name) DO NOTHING RETURNING ${ROOM_COLUMNS}`,
        [name, Date.now()],
      );
      const row = rows[0];
      if (!row) return undefined;
      await client.query(UPSERT_MEMBER, [row.id, creator.userId, creator.name, Date.now()]);
      return toRoom(row);
    });
  }

  openDirectRoom(opener: Member, other: Member): Promise<RoomRecord> {
    const name = directRoomName(opener.userId, other.userId);
    return this.transaction('openDirectRoom', async (client) => {
      // DO UPDATE (a no-op) rather than DO NOTHING: it returns the row, and it waits for a
      // concurrent insert of the same name to commit, so two openers get one room.
      const { rows } = await client.query<RoomRow>(
        `INSERT INTO rooms (name, kind, created_at) VALUES ($1, 'direct', $2)
         ON CONFLICT (name) DO UPDATE SET kind = rooms.kind RETURNING ${ROOM_COLUMNS}`,
        [name, Date.now()],
      );
      const row = rows[0];
      if (!row) throw new Error('direct room upsert returned nothing');
      for (const member of [opener, other]) await client.query(UPSERT_MEMBER, [row.id, member.userId, member.name, Date.now()]);
      return toRoom(row);
    });
  }

  async roomById(roomId: number): Promise<RoomRecord | undefined> {
    if (!isRoomId(roomId)) return undefined;
    const { rows } = await this.query<RoomRow>('roomById', `SELECT ${ROOM_COLUMNS} FROM rooms WHERE id = $1`, [roomId]);
    return rows[0] && toRoom(rows[0]);
  }

  async addMember(roomId: number, member: Member): Promise<boolean> {
    // xmax = 0 only on a freshly inserted row: it tells an insert from the update of a conflict.
    const { rows } = await this.query<{ inserted: boolean }>('addMember', `${UPSERT_MEMBER} RETURNING (xmax = 0) AS inserted`, [
      roomId,
      member.userId,
      member.name,
      Date.now(),
    ]);
    return rows[0]?.inserted ?? false;
  }

  async removeMember(roomId: number, userId: string): Promise<boolean> {
    if (!isRoomId(roomId)) return false;
    const result = await this.query('removeMember', 'DELETE FROM room_members WHERE room_id = $1 AND user_id = $2', [roomId, userId]);
    return (result.rowCount ?? 0) > 0;
  }

  async isMember(roomId: number, userId: string): Promise<boolean> {
    if (!isRoomId(roomId)) return false;
    const { rows } = await this.query('isMember', 'SELECT 1 FROM room_members WHERE room_id = $1 AND user_id = $2', [roomId, userId]);
    return rows.length > 0;
  }

  async memberRoomIds(userId: string): Promise<number[]> {
    const { rows } = await this.query<{ room_id: number }>(
      'memberRoomIds',
      'SELECT room_id FROM room_members WHERE user_id = $1 ORDER BY room_id',
      [userId],
    );
    return rows.map((row) => row.room_id);
  }

  async knownUserName(userId: string): Promise<string | undefined> {
    const { rows } = await this.query<{ user_name: string }>(
      'knownUserName',
      'SELECT user_name FROM room_members WHERE user_id = $1 ORDER BY joined_at DESC LIMIT 1',
      [userId],
    );
    return rows[0]?.user_name;
  }

  listRooms(userId: string): Promise<RoomListing[]> {
    // Driven by the user's memberships (room_members_user), never by the rooms table.
    return this.listings(
      userId,
      `r.id IN (SELECT room_id FROM (SELECT room_id FROM room_members WHERE user_id = $1 ORDER BY room_id DESC LIMIT ${MAX_LISTED_ROOMS}) own
                UNION SELECT id FROM rooms WHERE name = $2)`,
      DEFAULT_ROOM,
    );
  }

  async roomListing(roomId: number, userId: string): Promise<RoomListing | undefined> {
    if (!isRoomId(roomId)) return undefined;
    return (await this.listings(userId, 'r.id = $2::integer', roomId))[0];
  }

  async directory({ prefix, after, limit }: DirectoryQuery): Promise<DirectoryPage | undefined> {
    const values: unknown[] = [limit + 1];
    if (prefix !== undefined) {
      const { lo, hi } = prefixRange(prefix);
      values.push(lo, hi);
    }
    if (after !== undefined) {
      if (!isRoomId(after)) return undefined;
      const { rows } = await this.query<{ key: string }>(
        'directory',
        `SELECT ${DIRECTORY_KEY} AS key FROM rooms WHERE id = $1 AND kind = 'public'`,
        [after],
      );
      const key = rows[0]?.key;
      if (key === undefined) return undefined;
      values.push(key, after);
    }
    // One row more than asked tells whether another page follows.
    const { rows } = await this.query<Omit<DirectoryEntry, 'head'> & { head: string }>(
      'directory',
      directorySql({ prefix: prefix !== undefined, cursor: after !== undefined }),
      values,
    );
    const rooms = rows.slice(0, limit).map((row) => ({ ...row, head: Number(row.head) }));
    return { rooms, next: rows.length > limit ? (rooms.at(-1)?.id ?? null) : null };
  }

  async messagesBefore(roomId: number, beforeOffset: number, limit: number): Promise<StoredMessage[]> {
    if (!isRoomId(roomId)) return [];
    const { rows } = await this.query<MessageRow>(
      'messagesBefore',
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3`,
      [roomId, Math.floor(beforeOffset), Math.max(0, Math.floor(limit))],
    );
    return rows.map(toMessage).reverse();
  }

  async liveMessage(roomId: number, offset: number): Promise<StoredMessage | undefined> {
    if (!isRoomId(roomId)) return undefined;
    const { rows } = await this.query<MessageRow>(
      'liveMessage',
      LIVE_MESSAGE_SQL,
      [roomId, Math.floor(offset)],
    );
    return rows[0] && toMessage(rows[0]);
  }

  async markRead(roomId: number, userId: string, offset: number): Promise<number> {
    const { rows } = await this.query<{ read_offset: string }>(
      'markRead',
      `INSERT INTO read_markers (room_id, user_id, read_offset) VALUES ($1, $2, $3)
       ON CONFLICT (room_id, user_id) DO UPDATE SET read_offset = GREATEST(read_markers.read_offset, excluded.read_offset)
       RETURNING read_offset`,
      [roomId, userId, Math.floor(offset)],
    );
    return Number(rows[0]?.read_offset ?? offset);
  }

  async readers(roomId: number, maxMembers: number): Promise<Reader[] | undefined> {
    if (!isRoomId(roomId)) return [];
    const { rows } = await this.query<{ user_id: string; user_name: string; read_offset: string | null; opted_out: boolean }>(
      'readers',
      `SELECT m.user_id, m.user_name, rm.read_offset,
              EXISTS (SELECT 1 FROM receipt_opt_outs o WHERE o.user_id = m.user_id) AS opted_out
         FROM (SELECT user_id, user_name FROM room_members WHERE room_id = $1 LIMIT $2) m
         LEFT JOIN read_markers rm ON rm.room_id = $1 AND rm.user_id = m.user_id`,
      [roomId, maxMembers + 1],
    );
    if (rows.length > maxMembers) return undefined;
    return rows.map((row) => ({ userId: row.user_id, name: row.user_name, readOffset: Number(row.read_offset ?? 0), sendsReceipts: !row.opted_out }));
  }

  async sendsReceipts(userId: string): Promise<boolean> {
    const { rows } = await this.query('sendsReceipts', 'SELECT 1 FROM receipt_opt_outs WHERE user_id = $1', [userId]);
    return rows.length === 0;
  }

  async setReceipts(userId: string, enabled: boolean): Promise<void> {
    await this.query(
      'setReceipts',
      enabled ? 'DELETE FROM receipt_opt_outs WHERE user_id = $1' : 'INSERT INTO receipt_opt_outs (user_id) VALUES ($1) ON CONFLICT DO NOTHING',
      [userId],
    );
  }

  /** The listings of the rooms `which` selects (a condition on `r`, with $2 = `parameter`) for `userId` ($1): listingSql. */
  private async listings(userId: string, which: string, parameter: unknown): Promise<RoomListing[]> {
    const { rows } = await this.query<ListingRow>(
      'listRooms',
      listingSql(which),
      [userId, parameter],
    );
    const direct = rows.filter((row) => row.kind === 'direct').map((row) => row.id);
    const participants = new Map<number, Member[]>();
    if (direct.length > 0) {
      const members = await this.query<{ room_id: number; user_id: string; user_name: string }>(
        'listRooms',
        'SELECT room_id, user_id, user_name FROM room_members WHERE room_id = ANY($1::integer[]) ORDER BY user_id',
        [direct],
      );
      for (const row of members.rows) {
        participants.set(row.room_id, [...(participants.get(row.room_id) ?? []), { userId: row.user_id, name: row.user_name }]);
      }
    }
    return rows.map((row) => ({
      ...toRoom(row),
      readOffset: Number(row.read_offset),
      unread: Number(row.unread),
      mentions: Number(row.mentions),
      member: row.member,
      participants: participants.get(row.id) ?? [],
    }));
  }

  private async transaction<T>(operation: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    try {
      return await withClient(this.pool, async (client) => {
        await client.query('BEGIN');
        try {
          const result = await work(client);
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
      });
    } catch (error) {
      throw toStoreError(error, operation);
    }
  }
}
