import type { AuthorCursor, AuthoredEvent, ExportedAccount, ExportedMembership, ExportedRoom, ExportStore, MembershipCursor } from '../exports.js';
import type { EventKind } from '../store.js';
import type { Query } from './accounts.js';
import { MESSAGE_COLUMNS, toMessage, type MessageRow } from './append-batch.js';

const ACCOUNT_COLUMNS = `'a:' || id AS id, username, role, created_at::float8 AS "createdAt"`;
const MEMBERSHIP_COLUMNS = `m.room_id AS "roomId", r.name AS "roomName", r.kind AS "roomKind", m.user_id AS "userId", m.user_name AS "userName", m.joined_at::float8 AS "joinedAt"`;

/**
 * One page of an author's events of some kinds (messages_author, migration 26), each message
 * with its latest edit's time (messages_target): $1 author, $2 room, $3 offset, $4 limit,
 * $5 kinds. Exported for the plan test.
 */
export const AUTHOR_EVENTS_SQL = `SELECT ${MESSAGE_COLUMNS},
    CASE WHEN kind = 'message' THEN (SELECT max(x.created_at) FROM messages x WHERE x.room_id = m.room_id AND x.target = m.seq AND x.kind = 'edit') END::float8 AS edited_at
  FROM messages m
  WHERE author_id = $1 AND (room_id, seq) > ($2::integer, $3::bigint) AND kind = ANY($5::text[])
  ORDER BY room_id, seq LIMIT $4`;
/** One page of every membership, by the primary key: $1 room, $2 user, $3 limit. */
export const MEMBERSHIPS_SQL = `SELECT ${MEMBERSHIP_COLUMNS} FROM room_members m JOIN rooms r ON r.id = m.room_id
  WHERE (m.room_id, m.user_id) > ($1, $2) ORDER BY m.room_id, m.user_id LIMIT $3`;
/** One page of one person's memberships: $1 user, $2 room, $3 limit. */
export const MEMBERSHIPS_OF_SQL = `SELECT ${MEMBERSHIP_COLUMNS} FROM room_members m JOIN rooms r ON r.id = m.room_id
  WHERE m.user_id = $1 AND m.room_id > $2 ORDER BY m.room_id LIMIT $3`;

/** See the SQLite twin (../sqlite/exports.ts): keyset pages, one index range each (migration 26 adds messages_author). */
export class PostgresExports implements ExportStore {
  constructor(private readonly query: Query) {}

  async exportedAccount(accountId: number): Promise<ExportedAccount | undefined> {
    if (!Number.isSafeInteger(accountId) || accountId < 1 || accountId > 2 ** 31 - 1) return undefined;
    const { rows } = await this.query<ExportedAccount>('exportedAccount', `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE id = $1`, [accountId]);
    return rows[0];
  }

  async accountsAfter(afterId: number, limit: number): Promise<ExportedAccount[]> {
    const { rows } = await this.query<ExportedAccount>('accountsAfter', `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE id > $1 ORDER BY id LIMIT $2`, [afterId, limit]);
    return rows;
  }

  async roomsAfter(afterId: number, limit: number): Promise<ExportedRoom[]> {
    const { rows } = await this.query<ExportedRoom>(
      'roomsAfter',
      'SELECT id, name, kind, created_at::float8 AS "createdAt", head::float8 AS head FROM rooms WHERE id > $1 ORDER BY id LIMIT $2',
      [afterId, limit],
    );
    return rows;
  }

  async membershipsAfter(after: MembershipCursor | null, limit: number, userId?: string): Promise<ExportedMembership[]> {
    const { rows } =
      userId === undefined
        ? await this.query<ExportedMembership>(
            'membershipsAfter',
            MEMBERSHIPS_SQL,
            [after?.roomId ?? 0, after?.userId ?? '', limit],
          )
        : await this.query<ExportedMembership>(
            'membershipsOf',
            MEMBERSHIPS_OF_SQL,
            [userId, after?.roomId ?? 0, limit],
          );
    return rows;
  }

  async eventsByAuthor(authorId: string, kinds: readonly EventKind[], after: AuthorCursor | null, limit: number): Promise<AuthoredEvent[]> {
    const { rows } = await this.query<MessageRow & { edited_at: number | null }>(
      'eventsByAuthor',
      AUTHOR_EVENTS_SQL,
      [authorId, after?.roomId ?? 0, after?.offset ?? 0, limit, kinds],
    );
    return rows.map((row) => ({ ...toMessage(row), editedAt: row.edited_at }));
  }
}
