import { prefixRange, type Member } from '../rooms.js';
import type { MentionStore } from '../mentions.js';
import type { Query } from './accounts.js';

/** A member's name as mentions and completions compare it: the expression of `room_members_name` (migration 14), exactly. */
const NAME_KEY = '(lower(user_name) COLLATE "C")';

/** Who of room $1 is named by $3 (folded names), other than $4, mentioned by message $2; exported for plan tests. */
export const RECORD_MENTIONS_SQL = `INSERT INTO mentions (user_id, room_id, seq)
       SELECT user_id, $1, $2 FROM room_members
        WHERE room_id = $1 AND ${NAME_KEY} = ANY($3::text[]) AND user_id IS DISTINCT FROM $4
         -- a retry of a message deleted since records nothing: its mentions went with it
         AND NOT EXISTS (SELECT 1 FROM messages WHERE room_id = $1 AND seq = $2 AND redacted_at IS NOT NULL)
       ON CONFLICT DO NOTHING
       RETURNING user_id`;

/** Up to $4 members of room $1 whose folded name is in [$2, $3), by name; exported for plan tests. */
export const MEMBERS_BY_PREFIX_SQL = `SELECT user_id AS "userId", user_name AS name FROM room_members
        WHERE room_id = $1 AND ${NAME_KEY} >= $2 AND ${NAME_KEY} < $3
        ORDER BY ${NAME_KEY}, user_id
        LIMIT $4`;

/**
 * Mentions on the PostgreSQL store. Names are compared with `lower()`, which folds every
 * letter in a UTF-8 database whose character type is not "C" (ASCII letters only there).
 * Resolving a message's names and completing a prefix each read a range of
 * `room_members_name`, never every member of the room.
 */
export class PostgresMentions implements MentionStore {
  constructor(private readonly query: Query) {}

  async recordMentions(roomId: number, offset: number, names: readonly string[], authorId: string | null): Promise<string[]> {
    if (names.length === 0) return [];
    const { rows } = await this.query<{ user_id: string }>(
      'recordMentions',
      RECORD_MENTIONS_SQL,
      [roomId, offset, names, authorId],
    );
    return rows.map((row) => row.user_id);
  }

  async membersByPrefix(roomId: number, prefix: string, limit: number): Promise<Member[]> {
    const { lo, hi } = prefixRange(prefix.toLowerCase());
    const { rows } = await this.query<Member>(
      'membersByPrefix',
      MEMBERS_BY_PREFIX_SQL,
      [roomId, lo, hi, limit],
    );
    return rows;
  }

  async renameMember(userId: string, name: string): Promise<void> {
    await this.query('renameMember', 'UPDATE room_members SET user_name = $2 WHERE user_id = $1 AND user_name <> $2', [userId, name]);
  }
}
