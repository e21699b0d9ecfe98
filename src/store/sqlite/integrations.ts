import type Database from 'better-sqlite3';
import { NameTakenError } from '../accounts.js';
import {
  botUserId,
  toBot,
  toWebhook,
  webhookUserId,
  type BotDraft,
  type BotRecord,
  type BotRow,
  type IntegrationStore,
  type WebhookDraft,
  type WebhookRecord,
  type WebhookRow,
} from '../integrations.js';
import type { AuditDraft } from '../moderation.js';
import { nameKey } from '../name-key.js';
import { UnknownRoomError } from '../store.js';
import type { Guard } from './accounts.js';
import { foldName } from './name-fold.js';

/** A bot's name is claimed like an account's (expires_at NULL), taking only a free name or an ended guest lease. */
const CLAIM_NAME = `
  INSERT INTO names (name_key, name, holder, expires_at, renewed_at) VALUES (?, ?, ?, NULL, ?)
  ON CONFLICT (name_key) DO UPDATE SET
    name = excluded.name, holder = excluded.holder, expires_at = NULL, renewed_at = excluded.renewed_at
  WHERE names.expires_at IS NOT NULL AND names.expires_at <= excluded.renewed_at
  RETURNING name_key`;

/** Bots and incoming webhooks of the SQLite store; the same file and connection as the messages. */
export class SqliteIntegrations implements IntegrationStore {
  private readonly statements;

  constructor(
    private readonly db: Database.Database,
    private readonly guard: Guard,
  ) {
    this.statements = {
      insertBot: db.prepare<[string, string, string, number, string], { id: number }>(
        'INSERT INTO bots (name, token_hash, rooms, created_at, created_by) VALUES (?, ?, ?, ?, ?) RETURNING id',
      ),
      claimName: db.prepare<[string, string, string, number], { name_key: string }>(CLAIM_NAME),
      roomExists: db.prepare<[number], { id: number }>('SELECT id FROM rooms WHERE id = ?'),
      addMember: db.prepare<[number, string, string, string, number]>(
        `INSERT INTO room_members (room_id, user_id, user_name, name_fold, joined_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (room_id, user_id) DO NOTHING`,
      ),
      dropMembers: db.prepare<[string]>('DELETE FROM room_members WHERE user_id = ?'),
      botByToken: db.prepare<[string], BotRow>('SELECT * FROM bots WHERE token_hash = ? AND revoked_at IS NULL'),
      bots: db.prepare<[], BotRow>('SELECT * FROM bots ORDER BY id'),
      revokeBot: db.prepare<[number, number]>('UPDATE bots SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
      insertWebhook: db.prepare<[number, string, string, number, string], { id: number }>(
        'INSERT INTO webhooks (room_id, name, secret_hash, created_at, created_by) VALUES (?, ?, ?, ?, ?) RETURNING id',
      ),
      webhookById: db.prepare<[number], WebhookRow>('SELECT * FROM webhooks WHERE id = ?'),
      webhooks: db.prepare<[], WebhookRow>('SELECT * FROM webhooks ORDER BY id'),
      revokeWebhook: db.prepare<[number, number]>('UPDATE webhooks SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
      audit: db.prepare<[number, string, string, string, string | null, number | null, string]>(
        'INSERT INTO audit_log (at, actor, actor_name, action, target, room_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
    };
  }

  async createBot(draft: BotDraft, audit: AuditDraft): Promise<BotRecord> {
    const s = this.statements;
    const create = this.db.transaction((): BotRecord => {
      for (const roomId of draft.rooms) if (!s.roomExists.get(roomId)) throw new UnknownRoomError(`no room ${roomId}`);
      const row = s.insertBot.get(draft.name, draft.tokenHash, JSON.stringify(draft.rooms), draft.createdAt, draft.createdBy);
      if (!row) throw new Error('bot insert returned nothing');
      const userId = botUserId(row.id);
      // Throwing rolls the bot back: the name is an account's, another bot's, or a guest's who is online.
      if (!s.claimName.get(nameKey(draft.name), draft.name, userId, draft.createdAt)) throw new NameTakenError(`the name ${draft.name} is taken`);
      for (const roomId of draft.rooms) s.addMember.run(roomId, userId, draft.name, foldName(draft.name), draft.createdAt);
      this.insertAudit({ ...audit, target: userId });
      return { id: row.id, name: draft.name, rooms: [...draft.rooms], createdAt: draft.createdAt, createdBy: draft.createdBy, revokedAt: null };
    });
    return this.guard(() => create.immediate());
  }

  async botByToken(tokenHash: string): Promise<BotRecord | undefined> {
    const row = this.guard(() => this.statements.botByToken.get(tokenHash));
    return row && toBot(row);
  }

  async bots(): Promise<BotRecord[]> {
    return this.guard(() => this.statements.bots.all().map(toBot));
  }

  async revokeBot(id: number, at: number, audit: AuditDraft): Promise<boolean> {
    const revoke = this.db.transaction((): boolean => {
      if (this.statements.revokeBot.run(at, id).changes === 0) return false;
      this.statements.dropMembers.run(botUserId(id));
      this.insertAudit(audit);
      return true;
    });
    return this.guard(() => revoke.immediate());
  }

  async createWebhook(draft: WebhookDraft, audit: AuditDraft): Promise<WebhookRecord> {
    const s = this.statements;
    const create = this.db.transaction((): WebhookRecord => {
      if (!s.roomExists.get(draft.roomId)) throw new UnknownRoomError(`no room ${draft.roomId}`);
      const row = s.insertWebhook.get(draft.roomId, draft.name, draft.secretHash, draft.createdAt, draft.createdBy);
      if (!row) throw new Error('webhook insert returned nothing');
      this.insertAudit({ ...audit, target: webhookUserId(row.id) });
      return { id: row.id, ...draft, revokedAt: null };
    });
    return this.guard(() => create.immediate());
  }

  async webhookById(id: number): Promise<WebhookRecord | undefined> {
    const row = this.guard(() => this.statements.webhookById.get(id));
    return row && toWebhook(row);
  }

  async webhooks(): Promise<WebhookRecord[]> {
    return this.guard(() => this.statements.webhooks.all().map(toWebhook));
  }

  async revokeWebhook(id: number, at: number, audit: AuditDraft): Promise<boolean> {
    const revoke = this.db.transaction((): boolean => {
      if (this.statements.revokeWebhook.run(at, id).changes === 0) return false;
      this.insertAudit(audit);
      return true;
    });
    return this.guard(() => revoke.immediate());
  }

  private insertAudit(a: AuditDraft): void {
    this.statements.audit.run(a.at, a.actor, a.actorName, a.action, a.target, a.roomId, a.detail);
  }
}
