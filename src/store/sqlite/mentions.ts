import type Database from 'better-sqlite3';
import type { Member } from '../rooms.js';

/**
 * Mentions on the SQLite store. Names are compared in lower case by `casefold`, a function
 * each connection of this store defines (JavaScript's toLowerCase), because SQLite's own
 * `lower()` folds ASCII letters only; it is used in queries, never in the schema, so the
 * file stays readable by any SQLite.
 */
export class SqliteMentions {
  private readonly statements;

  constructor(private readonly db: Database.Database) {
    db.function('casefold', { deterministic: true }, (text: unknown) => (typeof text === 'string' ? text.toLowerCase() : text));
    this.statements = {
      record: db.prepare<{ room: number; seq: number; names: string; author: string | null }, { user_id: string }>(
        `INSERT OR IGNORE INTO mentions (user_id, room_id, seq)
         SELECT user_id, @room, @seq FROM room_members
          WHERE room_id = @room AND casefold(user_name) IN (SELECT value FROM json_each(@names))
            AND user_id IS NOT @author
            -- a retry of a message deleted since records nothing: its mentions went with it
            AND NOT EXISTS (SELECT 1 FROM messages WHERE room_id = @room AND seq = @seq AND redacted_at IS NOT NULL)
         RETURNING user_id`,
      ),
      byPrefix: db.prepare<{ room: number; prefix: string; limit: number }, Member>(
        `SELECT user_id AS userId, user_name AS name FROM room_members
          WHERE room_id = @room AND substr(casefold(user_name), 1, length(@prefix)) = @prefix
          ORDER BY casefold(user_name), user_id
          LIMIT @limit`,
      ),
      rename: db.prepare<{ user: string; name: string }>('UPDATE room_members SET user_name = @name WHERE user_id = @user AND user_name <> @name'),
    };
  }

  record(roomId: number, offset: number, names: readonly string[], authorId: string | null): string[] {
    if (names.length === 0) return [];
    return this.statements.record.all({ room: roomId, seq: offset, names: JSON.stringify(names), author: authorId }).map((row) => row.user_id);
  }

  byPrefix(roomId: number, prefix: string, limit: number): Member[] {
    return this.statements.byPrefix.all({ room: roomId, prefix: prefix.toLowerCase(), limit });
  }

  rename(userId: string, name: string): void {
    this.statements.rename.run({ user: userId, name });
  }
}
