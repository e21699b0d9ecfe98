import type Database from 'better-sqlite3';
import { prefixRange, type Member } from '../rooms.js';
import type { MentionStore } from '../mentions.js';
import type { Guard } from './accounts.js';
import { foldName } from './name-fold.js';

/** Who of room @room is named by @names (a JSON array of folded names), other than @author; exported for plan tests. */
export const RECORD_MENTIONS_SQL = `INSERT OR IGNORE INTO mentions (user_id, room_id, seq)
  SELECT user_id, @room, @seq FROM room_members
   WHERE room_id = @room AND name_fold IN (SELECT value FROM json_each(@names))
     AND user_id IS NOT @author
     -- a retry of a message deleted since records nothing: its mentions went with it
     AND NOT EXISTS (SELECT 1 FROM messages WHERE room_id = @room AND seq = @seq AND redacted_at IS NOT NULL)
  RETURNING user_id`;

/** Up to @limit members of @room whose folded name is in [@lo, @hi), by name; exported for plan tests. */
export const MEMBERS_BY_PREFIX_SQL = `SELECT user_id AS userId, user_name AS name FROM room_members
  WHERE room_id = @room AND name_fold >= @lo AND name_fold < @hi
  ORDER BY name_fold, user_id
  LIMIT @limit`;

/**
 * Mentions on the SQLite store. Names are compared in lower case as JavaScript folds them
 * (SQLite's own `lower()` folds ASCII letters only): `room_members.name_fold`, written with
 * each membership and rename (migration 12), and indexed with the room, so that resolving a
 * message's names and completing a prefix each read a range of `room_members_name`, never
 * every member of the room.
 */
export class SqliteMentions implements MentionStore {
  private readonly statements;

  constructor(
    db: Database.Database,
    private readonly guard: Guard,
  ) {
    this.statements = {
      record: db.prepare<{ room: number; seq: number; names: string; author: string | null }, { user_id: string }>(RECORD_MENTIONS_SQL),
      byPrefix: db.prepare<{ room: number; lo: string; hi: string; limit: number }, Member>(MEMBERS_BY_PREFIX_SQL),
      rename: db.prepare<{ user: string; name: string; fold: string }>(
        'UPDATE room_members SET user_name = @name, name_fold = @fold WHERE user_id = @user AND user_name <> @name',
      ),
    };
  }

  async recordMentions(roomId: number, offset: number, names: readonly string[], authorId: string | null): Promise<string[]> {
    return this.guard(() => {
      if (names.length === 0) return [];
      return this.statements.record.all({ room: roomId, seq: offset, names: JSON.stringify(names), author: authorId }).map((row) => row.user_id);
    });
  }

  async membersByPrefix(roomId: number, prefix: string, limit: number): Promise<Member[]> {
    return this.guard(() => this.statements.byPrefix.all({ room: roomId, ...prefixRange(foldName(prefix)), limit }));
  }

  async renameMember(userId: string, name: string): Promise<void> {
    this.guard(() => this.statements.rename.run({ user: userId, name, fold: foldName(name) }));
  }
}
