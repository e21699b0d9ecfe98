import type pg from 'pg';
import {
  MAX_ERROR_TEXT,
  outgoingUserId,
  toDelivery,
  toOutgoing,
  type DeliveryFailure,
  type OutboxDelivery,
  type OutboxRow,
  type OutboxStore,
  type OutgoingRow,
  type OutgoingWebhookDraft,
  type OutgoingWebhookRecord,
} from '../outbox.js';
import type { AuditDraft } from '../moderation.js';
import { UnknownRoomError } from '../store.js';
import type { Query } from './accounts.js';
import { inTransaction } from './checkout.js';
import { toStoreError } from './errors.js';

const INSERT_AUDIT = 'INSERT INTO audit_log (at, actor, actor_name, action, target, room_id, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)';
const auditValues = (a: AuditDraft): unknown[] => [a.at, a.actor, a.actorName, a.action, a.target, a.roomId, a.detail];

/**
 * A claim takes due rows that no other node holds: `FOR UPDATE SKIP LOCKED` lets two nodes
 * claiming at once take different rows instead of one waiting for the other, and the lease
 * written in the same statement keeps them taken after the transaction commits.
 */
const CLAIM = `
  UPDATE outbox SET lease_until = $1::bigint WHERE id IN (
    SELECT o.id FROM outbox o JOIN outgoing_webhooks h ON h.id = o.hook_id
    WHERE o.parked_at IS NULL AND h.revoked_at IS NULL AND o.next_attempt_at <= $2::bigint AND (o.lease_until IS NULL OR o.lease_until <= $2::bigint)
    ORDER BY o.id LIMIT $3
    FOR UPDATE OF o SKIP LOCKED)
  RETURNING *`;

/** Outgoing webhooks and their outbox on PostgreSQL, shared by every node. */
export class PostgresOutbox implements OutboxStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly query: Query,
  ) {}

  async createOutgoing(draft: OutgoingWebhookDraft, audit: AuditDraft): Promise<OutgoingWebhookRecord> {
    return this.transaction('createOutgoing', async (client) => {
      const { rows: room } = await client.query<{ head: string }>('SELECT head FROM rooms WHERE id = $1', [draft.roomId]);
      if (!room[0]) throw new UnknownRoomError(`no room ${draft.roomId}`);
      const head = Number(room[0].head);
      const { rows } = await client.query<{ id: number }>(
        `INSERT INTO outgoing_webhooks (room_id, name, url, trigger_words, secret, enqueued_through, created_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
        [draft.roomId, draft.name, draft.url, JSON.stringify(draft.triggerWords), draft.secret, head, draft.createdAt, draft.createdBy],
      );
      const id = rows[0]?.id;
      if (id === undefined) throw new Error('outgoing webhook insert returned nothing');
      await client.query(INSERT_AUDIT, auditValues({ ...audit, target: outgoingUserId(id) }));
      return { id, ...draft, triggerWords: [...draft.triggerWords], enqueuedThrough: head, revokedAt: null };
    });
  }

  async outgoingWebhooks(): Promise<OutgoingWebhookRecord[]> {
    const { rows } = await this.query<OutgoingRow>('outgoingWebhooks', 'SELECT * FROM outgoing_webhooks ORDER BY id', []);
    return rows.map(toOutgoing);
  }

  async revokeOutgoing(id: number, at: number, audit: AuditDraft): Promise<boolean> {
    return this.transaction('revokeOutgoing', async (client) => {
      const { rowCount } = await client.query('UPDATE outgoing_webhooks SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [at, id]);
      if (!rowCount) return false;
      await client.query('DELETE FROM outbox WHERE hook_id = $1', [id]);
      await client.query(INSERT_AUDIT, auditValues(audit));
      return true;
    });
  }

  async enqueue(hookId: number, from: number, through: number, offsets: readonly number[], at: number): Promise<boolean> {
    return this.transaction('enqueue', async (client) => {
      // The compare-and-set: a second node enqueuing the same range finds the cursor moved (it waits for the first's row lock, then re-reads).
      const { rows } = await client.query<{ room_id: number }>(
        'UPDATE outgoing_webhooks SET enqueued_through = $1 WHERE id = $2 AND enqueued_through = $3 AND revoked_at IS NULL RETURNING room_id',
        [through, hookId, from],
      );
      const roomId = rows[0]?.room_id;
      if (roomId === undefined) return false;
      const kept = offsets.filter((offset) => offset > from && offset <= through);
      if (kept.length > 0) {
        await client.query(
          `INSERT INTO outbox (hook_id, room_id, message_offset, event_id, attempts, next_attempt_at, created_at)
           SELECT $1::integer, $2::integer, o, 'evt-' || $1::integer || '-' || $2::integer || '-' || o, 0, $3::bigint, $3::bigint
           FROM unnest($4::bigint[]) AS o
           ON CONFLICT (event_id) DO NOTHING`,
          [hookId, roomId, at, kept],
        );
      }
      return true;
    });
  }

  async claim(now: number, leaseMs: number, limit: number): Promise<OutboxDelivery[]> {
    const { rows } = await this.query<OutboxRow>('claim', CLAIM, [now + leaseMs, now, limit]);
    return rows.map(toDelivery).sort((a, b) => a.id - b.id);
  }

  async delivered(id: number): Promise<void> {
    await this.query('delivered', 'DELETE FROM outbox WHERE id = $1', [id]);
  }

  async failed(id: number, failure: DeliveryFailure): Promise<void> {
    const parkedAt = failure.nextAttemptAt === null ? failure.at : null;
    await this.query(
      'failed',
      'UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = COALESCE($2, next_attempt_at), parked_at = $3, lease_until = NULL WHERE id = $4',
      [failure.error.slice(0, MAX_ERROR_TEXT), failure.nextAttemptAt, parkedAt, id],
    );
  }

  async parked(): Promise<OutboxDelivery[]> {
    const { rows } = await this.query<OutboxRow>(
      'parked',
      'SELECT o.* FROM outbox o JOIN outgoing_webhooks h ON h.id = o.hook_id WHERE o.parked_at IS NOT NULL AND h.revoked_at IS NULL ORDER BY o.id',
      [],
    );
    return rows.map(toDelivery);
  }

  async retryParked(id: number, at: number, audit: AuditDraft): Promise<boolean> {
    return this.transaction('retryParked', async (client) => {
      const { rowCount } = await client.query(
        'UPDATE outbox SET parked_at = NULL, attempts = 0, next_attempt_at = $1, lease_until = NULL WHERE id = $2 AND parked_at IS NOT NULL',
        [at, id],
      );
      if (!rowCount) return false;
      await client.query(INSERT_AUDIT, auditValues(audit));
      return true;
    });
  }

  async discardParked(id: number, audit: AuditDraft): Promise<boolean> {
    return this.transaction('discardParked', async (client) => {
      const { rowCount } = await client.query('DELETE FROM outbox WHERE id = $1 AND parked_at IS NOT NULL', [id]);
      if (!rowCount) return false;
      await client.query(INSERT_AUDIT, auditValues(audit));
      return true;
    });
  }

  private async transaction<T>(operation: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    try {
      return await inTransaction(this.pool, work);
    } catch (error) {
      if (error instanceof UnknownRoomError) throw error;
      throw toStoreError(error, operation);
    }
  }
}
