import type Database from 'better-sqlite3';
import type { StoredMessage } from '../store.js';
import { MAX_SUMMARY_REPLIERS, type FollowedThreadRow, type ThreadStore, type ThreadSummary } from '../threads.js';
import type { Guard } from './accounts.js';
import { MESSAGE_COLUMNS, toMessage, type MessageRow } from './message-row.js';

/** The live replies of the thread whose root is `root` in @room: a range of `messages_change` (room_id, target, kind). */
const liveReplies = (root: string): string =>
  `FROM messages m WHERE m.room_id = @room AND m.target = ${root} AND m.kind = 'message' AND m.redacted_at IS NULL`;

/**
 * Who follows thread @root once reply @seq is stored: its author (read up to it), the root's
 * author, and whoever the reply mentions; one row per user, so a marker moves once.
 */
const RECORD_REPLY_SQL = `INSERT INTO thread_follows (user_id, room_id, root_seq, read_offset)
  SELECT user_id, @room, @root, max(read_offset) FROM (
    SELECT author_id AS user_id, CASE WHEN seq = @seq THEN @seq ELSE 0 END AS read_offset
      FROM messages WHERE room_id = @room AND seq IN (@root, @seq) AND author_id IS NOT NULL
    UNION ALL
    SELECT user_id, 0 FROM mentions WHERE room_id = @room AND seq = @seq
  ) WHERE true GROUP BY user_id
  ON CONFLICT (user_id, room_id, root_seq) DO UPDATE SET read_offset = max(read_offset, excluded.read_offset)`;

interface SummaryRow {
  root: number;
  replies: number;
  lastReplyOffset: number;
  lastReplyAt: number;
  repliers: string;
}

interface FollowedRow extends MessageRow {
  room_name: string;
  read_offset: number;
  replies: number;
  last_reply_offset: number | null;
  last_reply_at: number | null;
  unread: number;
  mention_count: number;
}

/** Threads on the SQLite store (see ../threads.ts): follows in `thread_follows` (migration 14), replies in `messages`. */
export class SqliteThreads implements ThreadStore {
  private readonly statements;

  constructor(
    db: Database.Database,
    private readonly guard: Guard,
  ) {
    this.statements = {
      recordReply: db.prepare<{ room: number; root: number; seq: number }>(RECORD_REPLY_SQL),
      markRead: db.prepare<{ room: number; root: number; user: string; offset: number }, { read_offset: number }>(
        `UPDATE thread_follows SET read_offset = max(read_offset, @offset)
          WHERE user_id = @user AND room_id = @room AND root_seq = @root RETURNING read_offset`,
      ),
      readOffset: db.prepare<{ room: number; root: number; user: string }, { read_offset: number }>(
        'SELECT read_offset FROM thread_follows WHERE user_id = @user AND room_id = @room AND root_seq = @root',
      ),
      summaries: db.prepare<{ room: number; roots: string }, SummaryRow>(
        `SELECT r.value AS root,
                (SELECT count(*) ${liveReplies('r.value')}) AS replies,
                (SELECT max(m.seq) ${liveReplies('r.value')}) AS lastReplyOffset,
                (SELECT max(m.created_at) ${liveReplies('r.value')}) AS lastReplyAt,
                (SELECT json_group_array(author) FROM (
                   SELECT m.author, max(m.seq) AS latest ${liveReplies('r.value')}
                    GROUP BY m.author ORDER BY latest DESC LIMIT ${MAX_SUMMARY_REPLIERS})) AS repliers
           FROM json_each(@roots) r`,
      ),
      replies: db.prepare<{ room: number; root: number; after: number; limit: number }, MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages
          WHERE room_id = @room AND target = @root AND kind = 'message' AND seq > @after ORDER BY seq LIMIT @limit`,
      ),
      followed: db.prepare<{ user: string; limit: number }, FollowedRow>(
        `SELECT ${MESSAGE_COLUMNS.split(', ').map((column) => `root.${column}`).join(', ')},
                r.name AS room_name, f.read_offset,
                (SELECT count(*) FROM messages m WHERE m.room_id = f.room_id AND m.target = f.root_seq AND m.kind = 'message' AND m.redacted_at IS NULL) AS replies,
                (SELECT max(m.seq) FROM messages m WHERE m.room_id = f.room_id AND m.target = f.root_seq AND m.kind = 'message' AND m.redacted_at IS NULL) AS last_reply_offset,
                (SELECT max(m.created_at) FROM messages m WHERE m.room_id = f.room_id AND m.target = f.root_seq AND m.kind = 'message' AND m.redacted_at IS NULL) AS last_reply_at,
                (SELECT count(*) FROM messages m WHERE m.room_id = f.room_id AND m.target = f.root_seq AND m.kind = 'message'
                    AND m.redacted_at IS NULL AND m.seq > f.read_offset AND m.author_id IS NOT f.user_id) AS unread,
                (SELECT count(*) FROM mentions x JOIN messages m ON m.room_id = x.room_id AND m.seq = x.seq
                  WHERE x.user_id = f.user_id AND x.room_id = f.room_id AND x.seq > f.read_offset
                    AND m.target = f.root_seq AND m.kind = 'message' AND m.redacted_at IS NULL) AS mention_count
           FROM thread_follows f
           JOIN rooms r ON r.id = f.room_id
           JOIN messages root ON root.room_id = f.room_id AND root.seq = f.root_seq
          WHERE f.user_id = @user
            AND EXISTS (SELECT 1 FROM room_members rm WHERE rm.room_id = f.room_id AND rm.user_id = f.user_id)
          ORDER BY last_reply_offset IS NULL, last_reply_at DESC, f.room_id, f.root_seq
          LIMIT @limit`,
      ),
    };
  }

  async recordReply(roomId: number, root: number, offset: number): Promise<void> {
    this.guard(() => this.statements.recordReply.run({ room: roomId, root, seq: offset }));
  }

  async markThreadRead(roomId: number, root: number, userId: string, offset: number): Promise<number> {
    return this.guard(() => this.statements.markRead.get({ room: roomId, root, user: userId, offset })?.read_offset ?? 0);
  }

  async readOffset(roomId: number, root: number, userId: string): Promise<number> {
    return this.guard(() => this.statements.readOffset.get({ room: roomId, root, user: userId })?.read_offset ?? 0);
  }

  async summaries(roomId: number, roots: readonly number[]): Promise<ThreadSummary[]> {
    if (roots.length === 0) return [];
    const rows = this.guard(() => this.statements.summaries.all({ room: roomId, roots: JSON.stringify(roots) }));
    return rows
      .filter((row) => row.replies > 0)
      .map((row) => ({
        root: row.root,
        replies: row.replies,
        repliers: JSON.parse(row.repliers) as string[],
        lastReplyOffset: row.lastReplyOffset,
        lastReplyAt: row.lastReplyAt,
      }));
  }

  async replies(roomId: number, root: number, afterOffset: number, limit: number): Promise<StoredMessage[]> {
    return this.guard(() => this.statements.replies.all({ room: roomId, root, after: afterOffset, limit }).map(toMessage));
  }

  async followed(userId: string, limit: number): Promise<FollowedThreadRow[]> {
    return this.guard(() =>
      this.statements.followed.all({ user: userId, limit }).map((row) => ({
        roomId: row.room_id,
        roomName: row.room_name,
        root: toMessage(row),
        replies: row.replies,
        lastReplyOffset: row.last_reply_offset ?? 0,
        lastReplyAt: row.last_reply_at ?? 0,
        readOffset: row.read_offset,
        unread: row.unread,
        mentions: row.mention_count,
      })),
    );
  }
}
