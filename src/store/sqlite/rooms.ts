import type Database from 'better-sqlite3';
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
import { MESSAGE_COLUMNS, toMessage, type MessageRow } from './message-row.js';
import { foldName } from './name-fold.js';
import type { Guard } from './accounts.js';

interface ListingRow extends RoomRecord {
  readOffset: number;
  unread: number;
  mentions: number;
  member: number;
}

const ROOM_COLUMNS = 'id, name, kind, head';

/**
 * What a listing shows of room `r` to user @user: joined with their membership `m` and marker `rm`.
 * Both counts read one primary-key range of at most UNREAD_WINDOW offsets above
 * max(read marker, head - UNREAD_WINDOW) and stop at UNREAD_CAP: a new guest in a room
 * with a long history costs what a regular does.
 */
const LISTING_SELECT = `SELECT r.id, r.name, r.kind, r.head,
        COALESCE(rm.read_offset, 0) AS readOffset,
        (m.user_id IS NOT NULL) AS member,
        (SELECT COUNT(*) FROM (SELECT 1 FROM messages x
          WHERE x.room_id = r.id AND x.seq > MAX(COALESCE(rm.read_offset, 0), r.head - ${UNREAD_WINDOW}) AND x.kind = 'message'
            AND (x.author_id IS NULL OR x.author_id <> @user) LIMIT ${UNREAD_CAP})) AS unread,
        (SELECT COUNT(*) FROM (SELECT 1 FROM mentions mn
          WHERE mn.user_id = @user AND mn.room_id = r.id AND mn.seq > MAX(COALESCE(rm.read_offset, 0), r.head - ${UNREAD_WINDOW})
            AND NOT EXISTS (SELECT 1 FROM messages d WHERE d.room_id = mn.room_id AND d.target = mn.seq AND d.kind = 'delete') LIMIT ${UNREAD_CAP})) AS mentions
   FROM rooms r
   LEFT JOIN room_members m ON m.room_id = r.id AND m.user_id = @user
   LEFT JOIN read_markers rm ON rm.room_id = r.id AND rm.user_id = @user`;

/** The statement of one user's listing of one room (@room), exported so that a test can check its plan. */
export const LISTING_SQL = `${LISTING_SELECT} WHERE r.id = @room`;

/**
 * Whether message ? of room ? is live: one probe of the primary key and one of the covering
 * index messages_change (migration 12), whatever the room's history, so a reaction, edit or
 * deletion costs the same in any room. Exported so that a test can check its plan.
 */
export const LIVE_MESSAGE_SQL = `SELECT ${MESSAGE_COLUMNS} FROM messages
  WHERE room_id = ? AND seq = ? AND kind = 'message'
    AND NOT EXISTS (SELECT 1 FROM messages d WHERE d.room_id = ? AND d.target = ? AND d.kind = 'delete')`;

/** Named parameters of a directory page; `lo`/`hi` bound a name prefix, `key`/`id` the cursor. */
export interface DirectoryParameters {
  lo?: string;
  hi?: string;
  key?: string;
  id?: number;
  limit: number;
}

/**
 * The statement of one directory page: a range of the `rooms_directory` index (migration
 * 4), from the prefix or the cursor, whichever is further, read in index order up to `limit`
 * rows. Exported so that a test can check its plan.
 */
export function directorySql(options: { prefix: boolean; cursor: boolean }): string {
  // SQLite starts a range from one lower bound only, so prefix and cursor make one (max):
  // with two, it may start at the prefix and skip every row up to the cursor.
  const from = options.prefix && options.cursor ? 'max(lower(@lo), @key)' : options.prefix ? 'lower(@lo)' : '@key';
  return `SELECT id, name, members, head FROM rooms
   WHERE kind = 'public'
     ${options.prefix || options.cursor ? `AND lower(name) >= ${from}` : ''}
     ${options.prefix ? 'AND lower(name) < lower(@hi)' : ''}
     ${options.cursor ? 'AND (lower(name) > @key OR id > @id)' : ''}
   ORDER BY lower(name), id
   LIMIT @limit`;
}

/**
 * The SQLite side of RoomStore: synchronous statements on the store's connection, each
 * run through its guard, so that busy and closed databases report as unavailable.
 */
export class SqliteRooms implements RoomStore {
  private readonly statements;

  constructor(
    private readonly db: Database.Database,
    private readonly guard: Guard,
  ) {
    this.statements = {
      insertRoom: db.prepare<[string, string, number], RoomRecord>(
        `INSERT INTO rooms (name, kind, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING RETURNING ${ROOM_COLUMNS}`,
      ),
      byName: db.prepare<[string], RoomRecord>(`SELECT ${ROOM_COLUMNS} FROM rooms WHERE name = ?`),
      byId: db.prepare<[number], RoomRecord>(`SELECT ${ROOM_COLUMNS} FROM rooms WHERE id = ?`),
      isMember: db.prepare<[number, string], { one: number }>('SELECT 1 AS one FROM room_members WHERE room_id = ? AND user_id = ?'),
      upsertMember: db.prepare<[number, string, string, string, number]>(
        `INSERT INTO room_members (room_id, user_id, user_name, name_fold, joined_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (room_id, user_id) DO UPDATE SET user_name = excluded.user_name, name_fold = excluded.name_fold`,
      ),
      deleteMember: db.prepare<[number, string]>('DELETE FROM room_members WHERE room_id = ? AND user_id = ?'),
      memberRooms: db.prepare<[string], { room_id: number }>('SELECT room_id FROM room_members WHERE user_id = ? ORDER BY room_id'),
      members: db.prepare<[number], Member>('SELECT user_id AS userId, user_name AS name FROM room_members WHERE room_id = ? ORDER BY user_id'),
      knownName: db.prepare<[string], { user_name: string }>(
        'SELECT user_name FROM room_members WHERE user_id = ? ORDER BY joined_at DESC LIMIT 1',
      ),
      listing: db.prepare<{ user: string; room: number }, ListingRow>(LISTING_SQL),
      // Driven by the user's memberships (room_members_user), never by the rooms table.
      listings: db.prepare<{ user: string; general: string; cap: number }, ListingRow>(
        `WITH listed (room_id) AS (
           SELECT room_id FROM (SELECT room_id FROM room_members WHERE user_id = @user ORDER BY room_id DESC LIMIT @cap)
           UNION SELECT id FROM rooms WHERE name = @general)
         ${LISTING_SELECT}
          WHERE r.id IN (SELECT room_id FROM listed)
          ORDER BY r.id`,
      ),
      cursorKey: db.prepare<[number], { key: string }>(`SELECT lower(name) AS key FROM rooms WHERE id = ? AND kind = 'public'`),
      directory: {
        all: db.prepare<DirectoryParameters, DirectoryEntry>(directorySql({ prefix: false, cursor: false })),
        allAfter: db.prepare<DirectoryParameters, DirectoryEntry>(directorySql({ prefix: false, cursor: true })),
        prefix: db.prepare<DirectoryParameters, DirectoryEntry>(directorySql({ prefix: true, cursor: false })),
        prefixAfter: db.prepare<DirectoryParameters, DirectoryEntry>(directorySql({ prefix: true, cursor: true })),
      },
      before: db.prepare<[number, number, number], MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
      ),
      live: db.prepare<[number, number, number, number], MessageRow>(LIVE_MESSAGE_SQL),
      markRead: db.prepare<[number, string, number], { read_offset: number }>(
        `INSERT INTO read_markers (room_id, user_id, read_offset) VALUES (?, ?, ?)
         ON CONFLICT (room_id, user_id) DO UPDATE SET read_offset = MAX(read_offset, excluded.read_offset)
         RETURNING read_offset`,
      ),
      readers: db.prepare<[{ room: number; limit: number }], { userId: string; name: string; readOffset: number; optedOut: number }>(
        `SELECT m.user_id AS userId, m.user_name AS name, COALESCE(rm.read_offset, 0) AS readOffset,
                EXISTS (SELECT 1 FROM receipt_opt_outs o WHERE o.user_id = m.user_id) AS optedOut
           FROM (SELECT user_id, user_name FROM room_members WHERE room_id = @room LIMIT @limit) m
           LEFT JOIN read_markers rm ON rm.room_id = @room AND rm.user_id = m.user_id`,
      ),
      optedOut: db.prepare<[string], { user_id: string }>('SELECT user_id FROM receipt_opt_outs WHERE user_id = ?'),
      optOut: db.prepare<[string]>('INSERT INTO receipt_opt_outs (user_id) VALUES (?) ON CONFLICT DO NOTHING'),
      optIn: db.prepare<[string]>('DELETE FROM receipt_opt_outs WHERE user_id = ?'),
    };
  }

  async createRoom(name: string, creator: Member): Promise<RoomRecord | undefined> {
    return this.guard(() => {
      return this.db
        .transaction((): RoomRecord | undefined => {
          const room = this.statements.insertRoom.get(name, 'public', Date.now());
          if (room) this.upsertMember(room.id, creator);
          return room;
        })
        .immediate();
    });
  }

  async openDirectRoom(opener: Member, other: Member): Promise<RoomRecord> {
    return this.guard(() => {
      return this.db
        .transaction((): RoomRecord => {
          const name = directRoomName(opener.userId, other.userId);
          const room = this.statements.insertRoom.get(name, 'direct', Date.now()) ?? this.statements.byName.get(name);
          if (!room) throw new Error(`direct room ${name} neither inserted nor found`);
          for (const member of [opener, other]) this.upsertMember(room.id, member);
          return room;
        })
        .immediate();
    });
  }

  async roomById(roomId: number): Promise<RoomRecord | undefined> {
    return this.guard(() => this.statements.byId.get(roomId));
  }

  async addMember(roomId: number, member: Member): Promise<boolean> {
    return this.guard(() => {
      return this.db
        .transaction((): boolean => {
          const existed = this.statements.isMember.get(roomId, member.userId) !== undefined;
          this.upsertMember(roomId, member);
          return !existed;
        })
        .immediate();
    });
  }

  async removeMember(roomId: number, userId: string): Promise<boolean> {
    return this.guard(() => this.statements.deleteMember.run(roomId, userId).changes > 0);
  }

  async isMember(roomId: number, userId: string): Promise<boolean> {
    return this.guard(() => this.statements.isMember.get(roomId, userId) !== undefined);
  }

  async memberRoomIds(userId: string): Promise<number[]> {
    return this.guard(() => this.statements.memberRooms.all(userId).map((row) => row.room_id));
  }

  async knownUserName(userId: string): Promise<string | undefined> {
    return this.guard(() => this.statements.knownName.get(userId)?.user_name);
  }

  async listRooms(userId: string): Promise<RoomListing[]> {
    return this.guard(() => this.statements.listings.all({ user: userId, general: DEFAULT_ROOM, cap: MAX_LISTED_ROOMS }).map((row) => this.toListing(row)));
  }

  async roomListing(roomId: number, userId: string): Promise<RoomListing | undefined> {
    return this.guard(() => {
      const row = this.statements.listing.get({ user: userId, room: roomId });
      return row ? this.toListing(row) : undefined;
    });
  }

  async directory({ prefix, after, limit }: DirectoryQuery): Promise<DirectoryPage | undefined> {
    return this.guard(() => {
      let cursor: { key: string; id: number } | undefined;
      if (after !== undefined) {
        const row = this.statements.cursorKey.get(after);
        if (!row) return undefined;
        cursor = { key: row.key, id: after };
      }
      const statements = this.statements.directory;
      const statement = prefix === undefined ? (cursor ? statements.allAfter : statements.all) : cursor ? statements.prefixAfter : statements.prefix;
      // One row more than asked tells whether another page follows.
      const rows = statement.all({ ...(prefix === undefined ? {} : prefixRange(prefix)), ...cursor, limit: limit + 1 });
      const rooms = rows.slice(0, limit);
      return { rooms, next: rows.length > limit ? (rooms.at(-1)?.id ?? null) : null };
    });
  }

  async messagesBefore(roomId: number, beforeOffset: number, limit: number): Promise<StoredMessage[]> {
    return this.guard(() => this.statements.before.all(roomId, beforeOffset, limit).map(toMessage).reverse());
  }

  async liveMessage(roomId: number, offset: number): Promise<StoredMessage | undefined> {
    return this.guard(() => {
      const row = this.statements.live.get(roomId, offset, roomId, offset);
      return row ? toMessage(row) : undefined;
    });
  }

  async markRead(roomId: number, userId: string, offset: number): Promise<number> {
    return this.guard(() => {
      const row = this.statements.markRead.get(roomId, userId, offset);
      return row?.read_offset ?? offset;
    });
  }

  async readers(roomId: number, maxMembers: number): Promise<Reader[] | undefined> {
    return this.guard(() => {
      const rows = this.statements.readers.all({ room: roomId, limit: maxMembers + 1 });
      if (rows.length > maxMembers) return undefined;
      return rows.map((row) => ({ userId: row.userId, name: row.name, readOffset: row.readOffset, sendsReceipts: row.optedOut === 0 }));
    });
  }

  async sendsReceipts(userId: string): Promise<boolean> {
    return this.guard(() => this.statements.optedOut.get(userId) === undefined);
  }

  async setReceipts(userId: string, enabled: boolean): Promise<void> {
    this.guard(() => {
      (enabled ? this.statements.optIn : this.statements.optOut).run(userId);
    });
  }

  private upsertMember(roomId: number, member: Member): void {
    this.statements.upsertMember.run(roomId, member.userId, member.name, foldName(member.name), Date.now());
  }

  private toListing(row: ListingRow): RoomListing {
    return {
      id: row.id,
      name: row.name,
      kind: row.kind,
      head: row.head,
      readOffset: row.readOffset,
      unread: row.unread,
      mentions: row.mentions,
      member: row.member === 1,
      participants: row.kind === 'direct' ? this.statements.members.all(row.id) : [],
    };
  }
}
