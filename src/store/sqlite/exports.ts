import type Database from 'better-sqlite3';
import type { AuthorCursor, AuthoredEvent, ExportedAccount, ExportedMembership, ExportedRoom, ExportStore, MembershipCursor } from '../exports.js';
import type { EventKind } from '../store.js';
import type { Guard } from './accounts.js';
import { MESSAGE_COLUMNS, toMessage, type MessageRow } from './message-row.js';

const ACCOUNT_COLUMNS = `'a:' || id AS id, username, role, created_at AS createdAt`;
const MEMBERSHIP_COLUMNS = `m.room_id AS roomId, r.name AS roomName, r.kind AS roomKind, m.user_id AS userId, m.user_name AS userName, m.joined_at AS joinedAt`;

/**
 * One page of an author's events of some kinds (@kinds, a JSON array) by messages_author
 * (migration 23), each message with its latest edit's time from messages_change (one probe
 * of that index per message: left to itself, SQLite ranges over the room's primary key
 * instead, so INDEXED BY holds it there, as for pins, and `x.target IS NOT NULL` matches the
 * partial index's condition); exported so that a test can check its plan.
 */
export const AUTHOR_EVENTS_SQL = `SELECT ${MESSAGE_COLUMNS},
    CASE WHEN kind = 'message' THEN (SELECT max(x.created_at) FROM messages x INDEXED BY messages_change
      WHERE x.room_id = m.room_id AND x.target = m.seq AND x.target IS NOT NULL AND x.kind = 'edit') END AS edited_at
  FROM messages m
  WHERE author_id = @author AND (room_id, seq) > (@room, @seq) AND kind IN (SELECT value FROM json_each(@kinds))
  ORDER BY room_id, seq LIMIT @limit`;
/** One page of every membership, by the primary key; exported for the same reason. */
export const MEMBERSHIPS_SQL = `SELECT ${MEMBERSHIP_COLUMNS} FROM room_members m JOIN rooms r ON r.id = m.room_id
  WHERE (m.room_id, m.user_id) > (@room, @user) ORDER BY m.room_id, m.user_id LIMIT @limit`;
/** One page of one person's memberships (room_members_user); exported for the same reason. */
export const MEMBERSHIPS_OF_SQL = `SELECT ${MEMBERSHIP_COLUMNS} FROM room_members m JOIN rooms r ON r.id = m.room_id
  WHERE m.user_id = @user AND m.room_id > @room ORDER BY m.room_id LIMIT @limit`;

/** The paged reads of an export on the store's SQLite connection (an index range each: migration 23 adds messages_author). */
export class SqliteExports implements ExportStore {
  private readonly statements;

  constructor(
    db: Database.Database,
    private readonly guard: Guard,
  ) {
    this.statements = {
      account: db.prepare<[number], ExportedAccount>(`SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE id = ?`),
      accounts: db.prepare<[number, number], ExportedAccount>(`SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE id > ? ORDER BY id LIMIT ?`),
      rooms: db.prepare<[number, number], ExportedRoom>('SELECT id, name, kind, created_at AS createdAt, head FROM rooms WHERE id > ? ORDER BY id LIMIT ?'),
      members: db.prepare<{ room: number; user: string; limit: number }, ExportedMembership>(MEMBERSHIPS_SQL),
      membersOf: db.prepare<{ room: number; user: string; limit: number }, ExportedMembership>(MEMBERSHIPS_OF_SQL),
      byAuthor: db.prepare<{ author: string; kinds: string; room: number; seq: number; limit: number }, MessageRow & { edited_at: number | null }>(AUTHOR_EVENTS_SQL),
    };
  }

  async exportedAccount(accountId: number): Promise<ExportedAccount | undefined> {
    return this.guard(() => this.statements.account.get(accountId));
  }

  async accountsAfter(afterId: number, limit: number): Promise<ExportedAccount[]> {
    return this.guard(() => this.statements.accounts.all(afterId, limit));
  }

  async roomsAfter(afterId: number, limit: number): Promise<ExportedRoom[]> {
    return this.guard(() => this.statements.rooms.all(afterId, limit));
  }

  async membershipsAfter(after: MembershipCursor | null, limit: number, userId?: string): Promise<ExportedMembership[]> {
    return this.guard(() =>
      userId === undefined
        ? this.statements.members.all({ room: after?.roomId ?? 0, user: after?.userId ?? '', limit })
        : this.statements.membersOf.all({ room: after?.roomId ?? 0, user: userId, limit }),
    );
  }

  async eventsByAuthor(authorId: string, kinds: readonly EventKind[], after: AuthorCursor | null, limit: number): Promise<AuthoredEvent[]> {
    const parameters = { author: authorId, kinds: JSON.stringify(kinds), room: after?.roomId ?? 0, seq: after?.offset ?? 0, limit };
    return this.guard(() => this.statements.byAuthor.all(parameters).map((row) => ({ ...toMessage(row), editedAt: row.edited_at })));
  }
}
