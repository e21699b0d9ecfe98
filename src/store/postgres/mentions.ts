import type { Member } from '../rooms.js';
import type { Query } from './accounts.js';

/**
 * Mentions on the PostgreSQL store. Names are compared with `lower()`, which folds every
 * letter in a UTF-8 database whose character type is not "C" (ASCII letters only there).
 */
export class PostgresMentions {
  constructor(private readonly query: Query) {}

  async record(roomId: number, offset: number, names: readonly string[], authorId: string | null): Promise<string[]> {
    if (names.length === 0) return [];
    const { rows } = await this.query<{ user_id: string }>(
      'recordMentions',
      `INSERT INTO mentions (user_id, room_id, seq)
       SELECT user_id, $1, $2 FROM room_members
        WHERE room_id = $1 AND lower(user_name) = ANY($3::text[]) AND user_id IS DISTINCT FROM $4
          -- a retry of a message deleted since records nothing: its mentions went with it
          AND NOT EXISTS (SELECT 1 FROM messages WHERE room_id = $1 AND seq = $2 AND redacted_at IS NOT NULL)
       ON CONFLICT DO NOTHING
       RETURNING user_id`,
      [roomId, offset, names, authorId],
    );
    return rows.map((row) => row.user_id);
  }

  async byPrefix(roomId: number, prefix: string, limit: number): Promise<Member[]> {
    const { rows } = await this.query<Member>(
      'membersByPrefix',
      `SELECT user_id AS "userId", user_name AS name FROM room_members
        WHERE room_id = $1 AND left(lower(user_name), length($2)) = $2
        ORDER BY lower(user_name), user_id
        LIMIT $3`,
      [roomId, prefix.toLowerCase(), limit],
    );
    return rows;
  }

  async rename(userId: string, name: string): Promise<void> {
    await this.query('renameMember', 'UPDATE room_members SET user_name = $2 WHERE user_id = $1 AND user_name <> $2', [userId, name]);
  }
}
