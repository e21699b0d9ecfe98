import type { StoredMessage } from '../store.js';
import { MAX_SUMMARY_REPLIERS, type FollowedThreadRow, type ThreadStore, type ThreadSummary } from '../threads.js';
import type { Query } from './accounts.js';
import { MESSAGE_COLUMNS, toMessage, type MessageRow } from './append-batch.js';

/** The live replies of the thread whose root is `root` in room $1: a range of `messages_target` (room_id, target). */
const liveReplies = (root: string): string =>
  `FROM messages m WHERE m.room_id = $1 AND m.target = ${root} AND m.kind = 'message' AND m.redacted_at IS NULL`;

/**
 * Who follows thread $2 of room $1 once reply $3 is stored: its author (read up to it), the
 * root's author, and whoever the reply mentions; one row per user (an upsert may touch a row once).
 */
const RECORD_REPLY_SQL = `INSERT INTO thread_follows (user_id, room_id, root_seq, read_offset)
  SELECT user_id, $1::integer, $2::bigint, max(read_offset) FROM (
    SELECT author_id AS user_id, CASE WHEN seq = $3 THEN $3::bigint ELSE 0 END AS read_offset
      FROM messages WHERE room_id = $1 AND seq IN ($2, $3) AND author_id IS NOT NULL
    UNION ALL
    SELECT user_id, 0 FROM mentions WHERE room_id = $1 AND seq = $3
  ) AS follower GROUP BY user_id
  ON CONFLICT (user_id, room_id, root_seq) DO UPDATE SET read_offset = GREATEST(thread_follows.read_offset, excluded.read_offset)`;

interface SummaryRow {
  root: string;
  replies: string;
  last_reply_offset: string | null;
  last_reply_at: string | null;
  repliers: string[] | null;
}

interface FollowedRow extends MessageRow {
  room_name: string;
  read_offset: string;
  replies: string;
  last_reply_offset: string | null;
  last_reply_at: string | null;
  unread: string;
  mention_count: string;
}

const isRoomId = (roomId: number): boolean => Number.isInteger(roomId) && roomId > 0 && roomId <= 2 ** 31 - 1;

/** Threads on the PostgreSQL store (see ../threads.ts): follows in `thread_follows` (migration 17), replies in `messages`. */
export class PostgresThreads implements ThreadStore {
  constructor(private readonly query: Query) {}

  async recordReply(roomId: number, root: number, offset: number): Promise<void> {
    await this.query('recordReply', RECORD_REPLY_SQL, [roomId, root, offset]);
  }

  async markThreadRead(roomId: number, root: number, userId: string, offset: number): Promise<number> {
    const { rows } = await this.query<{ read_offset: string }>(
      'markThreadRead',
      `UPDATE thread_follows SET read_offset = GREATEST(read_offset, $4)
        WHERE user_id = $3 AND room_id = $1 AND root_seq = $2 RETURNING read_offset`,
      [roomId, root, userId, offset],
    );
    return Number(rows[0]?.read_offset ?? 0);
  }

  async readOffset(roomId: number, root: number, userId: string): Promise<number> {
    const { rows } = await this.query<{ read_offset: string }>(
      'threadReadOffset',
      'SELECT read_offset FROM thread_follows WHERE user_id = $3 AND room_id = $1 AND root_seq = $2',
      [roomId, root, userId],
    );
    return Number(rows[0]?.read_offset ?? 0);
  }

  async summaries(roomId: number, roots: readonly number[]): Promise<ThreadSummary[]> {
    if (roots.length === 0 || !isRoomId(roomId)) return [];
    const { rows } = await this.query<SummaryRow>(
      'threadSummaries',
      `SELECT r.root,
              (SELECT count(*) ${liveReplies('r.root')}) AS replies,
              (SELECT max(m.seq) ${liveReplies('r.root')}) AS last_reply_offset,
              (SELECT max(m.created_at) ${liveReplies('r.root')}) AS last_reply_at,
              (SELECT array_agg(author ORDER BY latest DESC) FROM (
                 SELECT m.author, max(m.seq) AS latest ${liveReplies('r.root')}
                  GROUP BY m.author ORDER BY latest DESC LIMIT ${MAX_SUMMARY_REPLIERS}) AS latest_repliers) AS repliers
         FROM unnest($2::bigint[]) AS r (root)`,
      [roomId, roots],
    );
    return rows
      .filter((row) => Number(row.replies) > 0)
      .map((row) => ({
        root: Number(row.root),
        replies: Number(row.replies),
        repliers: row.repliers ?? [],
        lastReplyOffset: Number(row.last_reply_offset ?? 0),
        lastReplyAt: Number(row.last_reply_at ?? 0),
      }));
  }

  async replies(roomId: number, root: number, afterOffset: number, limit: number): Promise<StoredMessage[]> {
    if (!isRoomId(roomId)) return [];
    const { rows } = await this.query<MessageRow>(
      'threadReplies',
      `SELECT ${MESSAGE_COLUMNS} FROM messages
        WHERE room_id = $1 AND target = $2 AND kind = 'message' AND seq > $3 ORDER BY seq LIMIT $4`,
      [roomId, root, afterOffset, limit],
    );
    return rows.map(toMessage);
  }

  async followed(userId: string, limit: number): Promise<FollowedThreadRow[]> {
    const live = `FROM messages m WHERE m.room_id = f.room_id AND m.target = f.root_seq AND m.kind = 'message' AND m.redacted_at IS NULL`;
    const { rows } = await this.query<FollowedRow>(
      'followedThreads',
      `SELECT ${MESSAGE_COLUMNS.split(', ').map((column) => `root.${column}`).join(', ')},
              r.name AS room_name, f.read_offset,
              (SELECT count(*) ${live}) AS replies,
              (SELECT max(m.seq) ${live}) AS last_reply_offset,
              (SELECT max(m.created_at) ${live}) AS last_reply_at,
              (SELECT count(*) ${live} AND m.seq > f.read_offset AND m.author_id IS DISTINCT FROM f.user_id) AS unread,
              (SELECT count(*) FROM mentions x JOIN messages m ON m.room_id = x.room_id AND m.seq = x.seq
                WHERE x.user_id = f.user_id AND x.room_id = f.room_id AND x.seq > f.read_offset
                  AND m.target = f.root_seq AND m.kind = 'message' AND m.redacted_at IS NULL) AS mention_count
         FROM thread_follows f
         JOIN rooms r ON r.id = f.room_id
         JOIN messages root ON root.room_id = f.room_id AND root.seq = f.root_seq
        WHERE f.user_id = $1
          AND EXISTS (SELECT 1 FROM room_members rm WHERE rm.room_id = f.room_id AND rm.user_id = f.user_id)
        ORDER BY last_reply_at DESC NULLS LAST, f.room_id, f.root_seq
        LIMIT $2`,
      [userId, limit],
    );
    return rows.map((row) => ({
      roomId: row.room_id,
      roomName: row.room_name,
      root: toMessage(row),
      replies: Number(row.replies),
      lastReplyOffset: Number(row.last_reply_offset ?? 0),
      lastReplyAt: Number(row.last_reply_at ?? 0),
      readOffset: Number(row.read_offset),
      unread: Number(row.unread),
      mentions: Number(row.mention_count),
    }));
  }
}
