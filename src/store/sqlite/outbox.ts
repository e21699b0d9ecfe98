import type Database from 'better-sqlite3';
import {
  deliveryEventId,
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
import type { Guard } from './accounts.js';

/**
 * Outgoing webhooks and their outbox on SQLite. In a cluster every write, claims included,
 * runs on the node's one writer, one after another: a claim's UPDATE … RETURNING is atomic
 * there, so two workers never lease the same row.
 */
export class SqliteOutbox implements OutboxStore {
  private readonly s;

  constructor(
    private readonly db: Database.Database,
    private readonly guard: Guard,
  ) {
    this.s = {
      roomHead: db.prepare<[number], { head: number }>('SELECT head FROM rooms WHERE id = ?'),
      insertHook: db.prepare<[number, string, string, string, string, number, number, string], { id: number }>(
        `INSERT INTO outgoing_webhooks (room_id, name, url, trigger_words, secret, enqueued_through, created_at, created_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      ),
      hooks: db.prepare<[], OutgoingRow>('SELECT * FROM outgoing_webhooks ORDER BY id'),
      revokeHook: db.prepare<[number, number]>('UPDATE outgoing_webhooks SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
      dropRows: db.prepare<[number]>('DELETE FROM outbox WHERE hook_id = ?'),
      advance: db.prepare<[number, number, number]>(
        'UPDATE outgoing_webhooks SET enqueued_through = ? WHERE id = ? AND enqueued_through = ? AND revoked_at IS NULL',
      ),
      hookRoom: db.prepare<[number], { room_id: number }>('SELECT room_id FROM outgoing_webhooks WHERE id = ?'),
      insertRow: db.prepare<[number, number, number, string, number, number]>(
        `INSERT INTO outbox (hook_id, room_id, message_offset, event_id, attempts, next_attempt_at, created_at)
         VALUES (?, ?, ?, ?, 0, ?, ?) ON CONFLICT (event_id) DO NOTHING`,
      ),
      claim: db.prepare<[number, number, number, number], OutboxRow>(
        `UPDATE outbox SET lease_until = ? WHERE id IN (
           SELECT o.id FROM outbox o JOIN outgoing_webhooks h ON h.id = o.hook_id
           WHERE o.parked_at IS NULL AND h.revoked_at IS NULL AND o.next_attempt_at <= ? AND (o.lease_until IS NULL OR o.lease_until <= ?)
           ORDER BY o.id LIMIT ?)
         RETURNING *`,
      ),
      delete: db.prepare<[number]>('DELETE FROM outbox WHERE id = ?'),
      fail: db.prepare<[string, number | null, number | null, number]>(
        'UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = COALESCE(?, next_attempt_at), parked_at = ?, lease_until = NULL WHERE id = ?',
      ),
      parked: db.prepare<[], OutboxRow>(
        `SELECT o.* FROM outbox o JOIN outgoing_webhooks h ON h.id = o.hook_id
         WHERE o.parked_at IS NOT NULL AND h.revoked_at IS NULL ORDER BY o.id`,
      ),
      discard: db.prepare<[number]>('DELETE FROM outbox WHERE id = ? AND parked_at IS NOT NULL'),
      retry: db.prepare<[number, number]>(
        'UPDATE outbox SET parked_at = NULL, attempts = 0, next_attempt_at = ?, lease_until = NULL WHERE id = ? AND parked_at IS NOT NULL',
      ),
      audit: db.prepare<[number, string, string, string, string | null, number | null, string]>(
        'INSERT INTO audit_log (at, actor, actor_name, action, target, room_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
    };
  }

  async createOutgoing(draft: OutgoingWebhookDraft, audit: AuditDraft): Promise<OutgoingWebhookRecord> {
    const create = this.db.transaction((): OutgoingWebhookRecord => {
      const head = this.s.roomHead.get(draft.roomId)?.head;
      if (head === undefined) throw new UnknownRoomError(`no room ${draft.roomId}`);
      const row = this.s.insertHook.get(draft.roomId, draft.name, draft.url, JSON.stringify(draft.triggerWords), draft.secret, head, draft.createdAt, draft.createdBy);
      if (!row) throw new Error('outgoing webhook insert returned nothing');
      this.insertAudit({ ...audit, target: outgoingUserId(row.id) });
      return { id: row.id, ...draft, triggerWords: [...draft.triggerWords], enqueuedThrough: head, revokedAt: null };
    });
    return this.guard(() => create.immediate());
  }

  async outgoingWebhooks(): Promise<OutgoingWebhookRecord[]> {
    return this.guard(() => this.s.hooks.all().map(toOutgoing));
  }

  async revokeOutgoing(id: number, at: number, audit: AuditDraft): Promise<boolean> {
    const revoke = this.db.transaction((): boolean => {
      if (this.s.revokeHook.run(at, id).changes === 0) return false;
      this.s.dropRows.run(id);
      this.insertAudit(audit);
      return true;
    });
    return this.guard(() => revoke.immediate());
  }

  async enqueue(hookId: number, from: number, through: number, offsets: readonly number[], at: number): Promise<boolean> {
    const enqueue = this.db.transaction((): boolean => {
      if (this.s.advance.run(through, hookId, from).changes === 0) return false;
      const roomId = this.s.hookRoom.get(hookId)?.room_id;
      if (roomId === undefined) return false;
      for (const offset of offsets) {
        if (offset > from && offset <= through) this.s.insertRow.run(hookId, roomId, offset, deliveryEventId(hookId, roomId, offset), at, at);
      }
      return true;
    });
    return this.guard(() => enqueue.immediate());
  }

  async claim(now: number, leaseMs: number, limit: number): Promise<OutboxDelivery[]> {
    return this.guard(() => this.s.claim.all(now + leaseMs, now, now, limit).map(toDelivery).sort((a, b) => a.id - b.id));
  }

  async delivered(id: number): Promise<void> {
    this.guard(() => this.s.delete.run(id));
  }

  async failed(id: number, failure: DeliveryFailure): Promise<void> {
    const parkedAt = failure.nextAttemptAt === null ? failure.at : null;
    this.guard(() => this.s.fail.run(failure.error.slice(0, MAX_ERROR_TEXT), failure.nextAttemptAt, parkedAt, id));
  }

  async parked(): Promise<OutboxDelivery[]> {
    return this.guard(() => this.s.parked.all().map(toDelivery));
  }

  async retryParked(id: number, at: number, audit: AuditDraft): Promise<boolean> {
    const retry = this.db.transaction((): boolean => {
      if (this.s.retry.run(at, id).changes === 0) return false;
      this.insertAudit(audit);
      return true;
    });
    return this.guard(() => retry.immediate());
  }

  async discardParked(id: number, audit: AuditDraft): Promise<boolean> {
    const discard = this.db.transaction((): boolean => {
      if (this.s.discard.run(id).changes === 0) return false;
      this.insertAudit(audit);
      return true;
    });
    return this.guard(() => discard.immediate());
  }

  private insertAudit(a: AuditDraft): void {
    this.s.audit.run(a.at, a.actor, a.actorName, a.action, a.target, a.roomId, a.detail);
  }
}
