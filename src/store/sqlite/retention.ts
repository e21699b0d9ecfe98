import type Database from 'better-sqlite3';
import { DAY_MS, type ExpiredMessage, type RetentionStore, type RoomRetention } from '../retention.js';
import type { Guard } from './accounts.js';

/**
 * Reads every live message older than some cutoff: a scan of the messages table, paid once
 * per pass of the runner (an hour by default), never by a client.
 */
const EXPIRED = `
  SELECT m.room_id AS roomId, m.seq AS offset, m.author_id AS authorId FROM messages m
    LEFT JOIN room_retention r ON r.room_id = m.room_id
   WHERE m.kind = 'message'
     AND m.created_at < CASE WHEN r.days IS NOT NULL THEN @now - r.days * ${DAY_MS} ELSE @globalCutoff END
     AND NOT EXISTS (SELECT 1 FROM messages d WHERE d.room_id = m.room_id AND d.target = m.seq AND d.kind = 'delete')
   ORDER BY m.room_id, m.seq LIMIT @limit`;

/** Room retention rules on the store's SQLite connection. */
export class SqliteRetention implements RetentionStore {
  private readonly statements;

  constructor(
    db: Database.Database,
    private readonly guard: Guard,
  ) {
    this.statements = {
      set: db.prepare<[number, number]>('INSERT INTO room_retention (room_id, days) VALUES (?, ?) ON CONFLICT (room_id) DO UPDATE SET days = excluded.days'),
      clear: db.prepare<[number]>('DELETE FROM room_retention WHERE room_id = ?'),
      all: db.prepare<[], RoomRetention>('SELECT room_id AS roomId, days FROM room_retention ORDER BY room_id'),
      expired: db.prepare<{ now: number; globalCutoff: number | null; limit: number }, ExpiredMessage>(EXPIRED),
    };
  }

  async setRoomRetention(roomId: number, days: number | null): Promise<void> {
    this.guard(() => (days === null ? this.statements.clear.run(roomId) : this.statements.set.run(roomId, days)));
  }

  async roomRetentions(): Promise<RoomRetention[]> {
    return this.guard(() => this.statements.all.all());
  }

  async expiredMessages(globalCutoff: number | null, now: number, limit: number): Promise<ExpiredMessage[]> {
    return this.guard(() => this.statements.expired.all({ now, globalCutoff, limit }));
  }
}
