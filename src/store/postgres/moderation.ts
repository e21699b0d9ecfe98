import type pg from 'pg';
import type { AuditDraft, AuditEntry, ModerationStore, Restriction, Role, StaffAccount } from '../moderation.js';
import { BAN_ROOM, toAuditEntry, toRestriction, type AuditRow, type RestrictionRow } from '../moderation-rows.js';
import type { Query } from './accounts.js';
import { inTransaction } from './checkout.js';
import { toStoreError } from './errors.js';

const INSERT_AUDIT = 'INSERT INTO audit_log (at, actor, actor_name, action, target, room_id, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)';
const auditValues = (a: AuditDraft): unknown[] => [a.at, a.actor, a.actorName, a.action, a.target, a.roomId, a.detail];

/** Roles, bans, mutes and the audit log of the PostgreSQL store, on the store's pool. */
export class PostgresModeration implements ModerationStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly query: Query,
  ) {}

  async roleOf(accountId: number): Promise<Role> {
    const { rows } = await this.query<{ role: Role }>('roleOf', 'SELECT role FROM accounts WHERE id = $1', [accountId]);
    return rows[0]?.role ?? 'member';
  }

  async staff(): Promise<StaffAccount[]> {
    const { rows } = await this.query<StaffAccount>('staff', "SELECT id, username, role FROM accounts WHERE role <> 'member' ORDER BY id", []);
    return rows;
  }

  async setRole(accountId: number, role: Role, audit: AuditDraft): Promise<void> {
    await this.transaction('setRole', async (client) => {
      await client.query('UPDATE accounts SET role = $1 WHERE id = $2', [role, accountId]);
      await client.query(INSERT_AUDIT, auditValues(audit));
    });
  }

  async restrict(r: Restriction, audit: AuditDraft): Promise<void> {
    await this.transaction('restrict', async (client) => {
      await client.query('DELETE FROM restrictions WHERE expires_at IS NOT NULL AND expires_at <= $1', [r.createdAt]);
      await client.query(
        `INSERT INTO restrictions (kind, user_id, room_id, reason, imposed_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (kind, user_id, room_id) DO UPDATE SET
           reason = excluded.reason, imposed_by = excluded.imposed_by, created_at = excluded.created_at, expires_at = excluded.expires_at`,
        [r.kind, r.userId, r.roomId ?? BAN_ROOM, r.reason, r.by, r.createdAt, r.expiresAt],
      );
      await client.query(INSERT_AUDIT, auditValues(audit));
    });
  }

  async lift(kind: Restriction['kind'], userId: string, roomId: number | null, audit: AuditDraft): Promise<boolean> {
    return this.transaction('lift', async (client) => {
      const { rowCount } = await client.query(
        'DELETE FROM restrictions WHERE kind = $1 AND user_id = $2 AND room_id = $3 AND (expires_at IS NULL OR expires_at > $4)',
        [kind, userId, roomId ?? BAN_ROOM, audit.at],
      );
      const lifted = (rowCount ?? 0) > 0;
      if (lifted) await client.query(INSERT_AUDIT, auditValues(audit));
      return lifted;
    });
  }

  async restrictions(now: number): Promise<Restriction[]> {
    const { rows } = await this.query<RestrictionRow>(
      'restrictions',
      'SELECT * FROM restrictions WHERE expires_at IS NULL OR expires_at > $1 ORDER BY created_at, kind, user_id, room_id',
      [now],
    );
    return rows.map(toRestriction);
  }

  async recordAudit(audit: AuditDraft): Promise<void> {
    await this.query('recordAudit', INSERT_AUDIT, auditValues(audit));
  }

  async auditLog(before: number | null, limit: number): Promise<AuditEntry[]> {
    const { rows } = await this.query<AuditRow>(
      'auditLog',
      'SELECT * FROM audit_log WHERE id < $1 ORDER BY id DESC LIMIT $2',
      [before ?? Number.MAX_SAFE_INTEGER, limit],
    );
    return rows.map(toAuditEntry);
  }

  private async transaction<T>(operation: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    try {
      return await inTransaction(this.pool, work);
    } catch (error) {
      throw toStoreError(error, operation);
    }
  }
}
