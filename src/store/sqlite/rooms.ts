import type Database from 'better-sqlite3';
import { directRoomName, type Member, type RoomListing, type RoomRecord } from '../rooms.js';
import type { StoredMessage } from '../store.js';
import { MESSAGE_COLUMNS, toMessage, type MessageRow } from './message-row.js';

interface ListingRow extends RoomRecord {
  readOffset: number;
  unread: number;
  member: number;
}

const ROOM_COLUMNS = 'id, name, kind, head';

/**
 * The SQLite side of RoomStore: synchronous statements on the store's connection.
 * SqliteStore wraps each call so that busy and closed databases report as unavailable.
 */
export class SqliteRooms {
  private readonly statements;

  constructor(private readonly db: Database.Database) {
    this.statements = {
      insertRoom: db.prepare<[string, string, number], RoomRecord>(
        `INSERT INTO rooms (name, kind, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING RETURNING ${ROOM_COLUMNS}`,
      ),
      byName: db.prepare<[string], RoomRecord>(`SELECT ${ROOM_COLUMNS} FROM rooms WHERE name = ?`),
      byId: db.prepare<[number], RoomRecord>(`SELECT ${ROOM_COLUMNS} FROM rooms WHERE id = ?`),
      isMember: db.prepare<[number, string], { one: number }>('SELECT 1 AS one FROM room_members WHERE room_id = ? AND user_id = ?'),
      upsertMember: db.prepare<[number, string, string, number]>(
        `INSERT INTO room_members (room_id, user_id, user_name, joined_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (room_id, user_id) DO UPDATE SET user_name = excluded.user_name`,
      ),
      deleteMember: db.prepare<[number, string]>('DELETE FROM room_members WHERE room_id = ? AND user_id = ?'),
      memberRooms: db.prepare<[string], { room_id: number }>('SELECT room_id FROM room_members WHERE user_id = ? ORDER BY room_id'),
      members: db.prepare<[number], Member>('SELECT user_id AS userId, user_name AS name FROM room_members WHERE room_id = ? ORDER BY user_id'),
      knownName: db.prepare<[string], { user_name: string }>(
        'SELECT user_name FROM room_members WHERE user_id = ? ORDER BY joined_at DESC LIMIT 1',
      ),
      listings: db.prepare<{ user: string; room: number | null }, ListingRow>(
        `SELECT r.id, r.name, r.kind, r.head,
                COALESCE(rm.read_offset, 0) AS readOffset,
                (m.user_id IS NOT NULL) AS member,
                (SELECT COUNT(*) FROM messages x
                  WHERE x.room_id = r.id AND x.seq > COALESCE(rm.read_offset, 0) AND x.kind = 'message'
                    AND (x.author_id IS NULL OR x.author_id <> @user)) AS unread
           FROM rooms r
           LEFT JOIN room_members m ON m.room_id = r.id AND m.user_id = @user
           LEFT JOIN read_markers rm ON rm.room_id = r.id AND rm.user_id = @user
          WHERE (@room IS NULL AND (r.kind = 'public' OR m.user_id IS NOT NULL)) OR r.id = @room
          ORDER BY r.id`,
      ),
      before: db.prepare<[number, number, number], MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
      ),
      live: db.prepare<[number, number, number, number], MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages
          WHERE room_id = ? AND seq = ? AND kind = 'message'
            AND NOT EXISTS (SELECT 1 FROM messages d WHERE d.room_id = ? AND d.target = ? AND d.kind = 'delete')`,
      ),
      markRead: db.prepare<[number, string, number], { read_offset: number }>(
        `INSERT INTO read_markers (room_id, user_id, read_offset) VALUES (?, ?, ?)
         ON CONFLICT (room_id, user_id) DO UPDATE SET read_offset = MAX(read_offset, excluded.read_offset)
         RETURNING read_offset`,
      ),
    };
  }

  createRoom(name: string, creator: Member): RoomRecord | undefined {
    return this.db
      .transaction((): RoomRecord | undefined => {
        const room = this.statements.insertRoom.get(name, 'public', Date.now());
        if (room) this.statements.upsertMember.run(room.id, creator.userId, creator.name, Date.now());
        return room;
      })
      .immediate();
  }

  openDirectRoom(opener: Member, other: Member): RoomRecord {
    return this.db
      .transaction((): RoomRecord => {
        const name = directRoomName(opener.userId, other.userId);
        const room = this.statements.insertRoom.get(name, 'direct', Date.now()) ?? this.statements.byName.get(name);
        if (!room) throw new Error(`direct room ${name} neither inserted nor found`);
        for (const member of [opener, other]) this.statements.upsertMember.run(room.id, member.userId, member.name, Date.now());
        return room;
      })
      .immediate();
  }

  roomById(roomId: number): RoomRecord | undefined {
    return this.statements.byId.get(roomId);
  }

  addMember(roomId: number, member: Member): boolean {
    return this.db
      .transaction((): boolean => {
        const existed = this.statements.isMember.get(roomId, member.userId) !== undefined;
        this.statements.upsertMember.run(roomId, member.userId, member.name, Date.now());
        return !existed;
      })
      .immediate();
  }

  removeMember(roomId: number, userId: string): boolean {
    return this.statements.deleteMember.run(roomId, userId).changes > 0;
  }

  isMember(roomId: number, userId: string): boolean {
    return this.statements.isMember.get(roomId, userId) !== undefined;
  }

  memberRoomIds(userId: string): number[] {
    return this.statements.memberRooms.all(userId).map((row) => row.room_id);
  }

  knownUserName(userId: string): string | undefined {
    return this.statements.knownName.get(userId)?.user_name;
  }

  listRooms(userId: string): RoomListing[] {
    return this.statements.listings.all({ user: userId, room: null }).map((row) => this.toListing(row));
  }

  roomListing(roomId: number, userId: string): RoomListing | undefined {
    const row = this.statements.listings.get({ user: userId, room: roomId });
    return row ? this.toListing(row) : undefined;
  }

  messagesBefore(roomId: number, beforeOffset: number, limit: number): StoredMessage[] {
    return this.statements.before.all(roomId, beforeOffset, limit).map(toMessage).reverse();
  }

  liveMessage(roomId: number, offset: number): StoredMessage | undefined {
    const row = this.statements.live.get(roomId, offset, roomId, offset);
    return row ? toMessage(row) : undefined;
  }

  markRead(roomId: number, userId: string, offset: number): number {
    const row = this.statements.markRead.get(roomId, userId, offset);
    return row?.read_offset ?? offset;
  }

  private toListing(row: ListingRow): RoomListing {
    return {
      id: row.id,
      name: row.name,
      kind: row.kind,
      head: row.head,
      readOffset: row.readOffset,
      unread: row.unread,
      member: row.member === 1,
      participants: row.kind === 'direct' ? this.statements.members.all(row.id) : [],
    };
  }
}
