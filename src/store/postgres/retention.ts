import { DAY_MS, type ExpiredMessage, type RetentionStore, type RoomRetention } from '../retention.js';
import type { Query } from './accounts.js';

/** See the SQLite twin (../sqlite/retention.ts): one scan per pass of the runner. $1 now, $2 the global cutoff, $3 limit. */
const EXPIRED = `
  SELECT m.room_id AS "roomId", m.seq::integer AS "offset", m.author_id AS "authorId" FROM messages m
    LEFT JOIN room_retention r ON r.room_id = m.room_id
   WHERE m.kind = 'message'
     AND m.created_at < CASE WHEN r.days IS NOT NULL THEN $1::bigint - r.days::bigint * ${DAY_MS} ELSE $2::bigint END
     AND NOT EXISTS (SELECT 1 FROM messages d WHERE d.room_id = m.room_id AND d.target = m.seq AND d.kind = 'delete')
   ORDER BY m.room_id, m.seq LIMIT $3`;

/** Room retention rules on the store's pool. */
export class PostgresRetention implements RetentionStore {
  constructor(private readonly query: Query) {}

  async setRoomRetention(roomId: number, days: number | null): Promise<void> {
    if (days === null) await this.query('setRoomRetention', 'DELETE FROM room_retention WHERE room_id = $1', [roomId]);
    else {
      await this.query(
        'setRoomRetention',
        'INSERT INTO room_retention (room_id, days) VALUES ($1, $2) ON CONFLICT (room_id) DO UPDATE SET days = excluded.days',
        [roomId, days],
      );
    }
  }

  async roomRetentions(): Promise<RoomRetention[]> {
    const { rows } = await this.query<RoomRetention>('roomRetentions', 'SELECT room_id AS "roomId", days FROM room_retention ORDER BY room_id', []);
    return rows;
  }

  async expiredMessages(globalCutoff: number | null, now: number, limit: number): Promise<ExpiredMessage[]> {
    const { rows } = await this.query<ExpiredMessage>('expiredMessages', EXPIRED, [now, globalCutoff, limit]);
    return rows;
  }
}
