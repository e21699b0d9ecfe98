import type pg from 'pg';
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
import type { Query } from './accounts.js';
import { inTransaction } from './checkout.js';
import { sqlState, toStoreError, UNIQUE_VIOLATION } from './errors.js';

const INSERT_AUDIT = 'INSERT INTO audit_log (at, actor, actor_name, action, target, room_id, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)';
const auditValues = (a: AuditDraft): unknown[] => [a.at, a.actor, a.actorName, a.action, a.target, a.roomId, a.detail];

/**
 * A bot's name is claimed like an account's (expires_at NULL), taking only a free name or an
 * ended guest lease; a concurrent claimer of the same key is waited for (READ COMMITTED).
 */
const CLAIM_NAME = `
  INSERT INTO names (name_key, name, holder, expires_at, renewed_at) VALUES ($1, $2, $3, NULL, $4)
  ON CONFLICT (name_key) DO UPDATE SET
    name = excluded.name, holder = excluded.holder, expires_at = NULL, renewed_at = excluded.renewed_at
  WHERE names.expires_at IS NOT NULL AND names.expires_at <= $4
  RETURNING name_key`;

/** Bots and incoming webhooks of the PostgreSQL store, on the store's pool. */
export class PostgresIntegrations implements IntegrationStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly query: Query,
  ) {}

  async createBot(draft: BotDraft, audit: AuditDraft): Promise<BotRecord> {
    return this.transaction('createBot', async (client) => {
      const { rows: found } = await client.query<{ id: number }>('SELECT id FROM rooms WHERE id = ANY($1::integer[])', [draft.rooms]);
      const missing = draft.rooms.find((roomId) => !found.some((room) => room.id === roomId));
      if (missing !== undefined) throw new UnknownRoomError(`no room ${missing}`);
      const { rows } = await client.query<{ id: number }>(
        'INSERT INTO bots (name, token_hash, rooms, created_at, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id',
        [draft.name, draft.tokenHash, JSON.stringify(draft.rooms), draft.createdAt, draft.createdBy],
      );
      const id = rows[0]?.id;
      if (id === undefined) throw new Error('bot insert returned nothing');
      const userId = botUserId(id);
      const claimed = await client.query(CLAIM_NAME, [nameKey(draft.name), draft.name, userId, draft.createdAt]);
      // Throwing rolls the bot back: the name is an account's, another bot's, or a guest's who is online.
      if (claimed.rowCount === 0) throw new NameTakenError(`the name ${draft.name} is taken`);
      for (const roomId of draft.rooms) {
        await client.query(
          'INSERT INTO room_members (room_id, user_id, user_name, joined_at) VALUES ($1, $2, $3, $4) ON CONFLICT (room_id, user_id) DO NOTHING',
          [roomId, userId, draft.name, draft.createdAt],
        );
      }
      await client.query(INSERT_AUDIT, auditValues({ ...audit, target: userId }));
      return { id, name: draft.name, rooms: [...draft.rooms], createdAt: draft.createdAt, createdBy: draft.createdBy, revokedAt: null };
    });
  }

  async botByToken(tokenHash: string): Promise<BotRecord | undefined> {
    const { rows } = await this.query<BotRow>('botByToken', 'SELECT * FROM bots WHERE token_hash = $1 AND revoked_at IS NULL', [tokenHash]);
    return rows[0] && toBot(rows[0]);
  }

  async bots(): Promise<BotRecord[]> {
    const { rows } = await this.query<BotRow>('bots', 'SELECT * FROM bots ORDER BY id', []);
    return rows.map(toBot);
  }

  async revokeBot(id: number, at: number, audit: AuditDraft): Promise<boolean> {
    return this.transaction('revokeBot', async (client) => {
      const { rowCount } = await client.query('UPDATE bots SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [at, id]);
      if (!rowCount) return false;
      await client.query('DELETE FROM room_members WHERE user_id = $1', [botUserId(id)]);
      await client.query(INSERT_AUDIT, auditValues(audit));
      return true;
    });
  }

  async createWebhook(draft: WebhookDraft, audit: AuditDraft): Promise<WebhookRecord> {
    return this.transaction('createWebhook', async (client) => {
      const { rows: room } = await client.query('SELECT id FROM rooms WHERE id = $1', [draft.roomId]);
      if (room.length === 0) throw new UnknownRoomError(`no room ${draft.roomId}`);
      const { rows } = await client.query<{ id: number }>(
        'INSERT INTO webhooks (room_id, name, secret_hash, created_at, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id',
        [draft.roomId, draft.name, draft.secretHash, draft.createdAt, draft.createdBy],
      );
      const id = rows[0]?.id;
      if (id === undefined) throw new Error('webhook insert returned nothing');
      await client.query(INSERT_AUDIT, auditValues({ ...audit, target: webhookUserId(id) }));
      return { id, ...draft, revokedAt: null };
    });
  }

  async webhookById(id: number): Promise<WebhookRecord | undefined> {
    if (!Number.isInteger(id) || id < 1 || id > 2 ** 31 - 1) return undefined;
    const { rows } = await this.query<WebhookRow>('webhookById', 'SELECT * FROM webhooks WHERE id = $1', [id]);
    return rows[0] && toWebhook(rows[0]);
  }

  async webhooks(): Promise<WebhookRecord[]> {
    const { rows } = await this.query<WebhookRow>('webhooks', 'SELECT * FROM webhooks ORDER BY id', []);
    return rows.map(toWebhook);
  }

  async revokeWebhook(id: number, at: number, audit: AuditDraft): Promise<boolean> {
    return this.transaction('revokeWebhook', async (client) => {
      const { rowCount } = await client.query('UPDATE webhooks SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [at, id]);
      if (!rowCount) return false;
      await client.query(INSERT_AUDIT, auditValues(audit));
      return true;
    });
  }

  /** Runs `work` in one transaction; domain errors pass through, the rest become store errors. */
  private async transaction<T>(operation: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    try {
      return await inTransaction(this.pool, work);
    } catch (error) {
      if (error instanceof NameTakenError || error instanceof UnknownRoomError) throw error;
      // A racing creation under the same name surfaces as a unique violation.
      if (sqlState(error) === UNIQUE_VIOLATION && operation === 'createBot') throw new NameTakenError('the name is taken');
      throw toStoreError(error, operation);
    }
  }
}
