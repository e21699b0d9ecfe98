import type Database from 'better-sqlite3';
import type { AuditDraft, AuditEntry, ModerationStore, Restriction, Role, StaffAccount } from '../moderation.js';
import { BAN_ROOM, toAuditEntry, toRestriction, type AuditRow, type RestrictionRow } from '../moderation-rows.js';
import type { Guard } from './accounts.js';

/** Roles, bans, mutes and the audit log of the SQLite store; the same file and connection as the messages. */
export class SqliteModeration implements ModerationStore {
  private readonly statements;

  constructor(
    private readonly db: Database.Database,
    private readonly guard: Guard,
  ) {
    this.statements = {
      roleOf: db.prepare<[number], { role: Role }>('SELECT role FROM accounts WHERE id = ?'),
      setRole: db.prepare('UPDATE accounts SET role = ? WHERE id = ?'),
      staff: db.prepare<[], StaffAccount>("SELECT id, username, role FROM accounts WHERE role <> 'member' ORDER BY id"),
      audit: db.prepare<[number, string, string, string, string | null, number | null, string]>(
        'INSERT INTO audit_log (at, actor, actor_name, action, target, room_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      forgetExpired: db.prepare('DELETE FROM restrictions WHERE expires_at IS NOT NULL AND expires_at <= ?'),
      restrict: db.prepare(
        `INSERT INTO restrictions (kind, user_id, room_id, reason, imposed_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (kind, user_id, room_id) DO UPDATE SET
           reason = excluded.reason, imposed_by = excluded.imposed_by, created_at = excluded.created_at, expires_at = excluded.expires_at`,
      ),
      lift: db.prepare<[string, string, number, number]>(
        'DELETE FROM restrictions WHERE kind = ? AND user_id = ? AND room_id = ? AND (expires_at IS NULL OR expires_at > ?)',
      ),
      inForce: db.prepare<[number], RestrictionRow>(
        'SELECT * FROM restrictions WHERE expires_at IS NULL OR expires_at > ? ORDER BY created_at, kind, user_id, room_id',
      ),
      log: db.prepare<[number, number], AuditRow>('SELECT * FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?'),
    };
  }

  async roleOf(accountId: number): Promise<Role> {
    return this.guard(() => this.statements.roleOf.get(accountId)?.role ?? 'member');
  }

  async staff(): Promise<StaffAccount[]> {
    return this.guard(() => this.statements.staff.all());
  }

  async setRole(accountId: number, role: Role, audit: AuditDraft): Promise<void> {
    const set = this.db.transaction(() => {
      this.statements.setRole.run(role, accountId);
      this.insertAudit(audit);
    });
    this.guard(() => set.immediate());
  }

  async restrict(restriction: Restriction, audit: AuditDraft): Promise<void> {
    const { forgetExpired, restrict } = this.statements;
    const store = this.db.transaction(() => {
      forgetExpired.run(restriction.createdAt);
      const r = restriction;
      restrict.run(r.kind, r.userId, r.roomId ?? BAN_ROOM, r.reason, r.by, r.createdAt, r.expiresAt);
      this.insertAudit(audit);
    });
    this.guard(() => store.immediate());
  }

  async lift(kind: Restriction['kind'], userId: string, roomId: number | null, audit: AuditDraft): Promise<boolean> {
    const lift = this.db.transaction((): boolean => {
      const { changes } = this.statements.lift.run(kind, userId, roomId ?? BAN_ROOM, audit.at);
      if (changes > 0) this.insertAudit(audit);
      return changes > 0;
    });
    return this.guard(() => lift.immediate());
  }

  async restrictions(now: number): Promise<Restriction[]> {
    return this.guard(() => this.statements.inForce.all(now).map(toRestriction));
  }

  async recordAudit(audit: AuditDraft): Promise<void> {
    this.guard(() => this.insertAudit(audit));
  }

  async auditLog(before: number | null, limit: number): Promise<AuditEntry[]> {
    return this.guard(() => this.statements.log.all(before ?? Number.MAX_SAFE_INTEGER, limit).map(toAuditEntry));
  }

  private insertAudit(a: AuditDraft): void {
    this.statements.audit.run(a.at, a.actor, a.actorName, a.action, a.target, a.roomId, a.detail);
  }
}
