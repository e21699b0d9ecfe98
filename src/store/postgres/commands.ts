import type pg from 'pg';
import { CommandExistsError, commandAuditId, toCommand, type CommandRow, type CommandStore, type RegisteredCommandDraft, type RegisteredCommandRecord } from '../commands.js';
import type { AuditDraft } from '../moderation.js';
import type { Query } from './accounts.js';
import { inTransaction } from './checkout.js';
import { toStoreError } from './errors.js';

const INSERT_AUDIT = 'INSERT INTO audit_log (at, actor, actor_name, action, target, room_id, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)';
const auditValues = (a: AuditDraft): unknown[] => [a.at, a.actor, a.actorName, a.action, a.target, a.roomId, a.detail];

/** Registered slash commands and room topics on PostgreSQL, shared by every node. */
export class PostgresCommands implements CommandStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly query: Query,
  ) {}

  async createCommand(draft: RegisteredCommandDraft, audit: AuditDraft): Promise<RegisteredCommandRecord> {
    return this.transaction('createCommand', async (client) => {
      const { rows } = await client.query<{ id: number }>(
        `INSERT INTO slash_commands (name, url, description, usage, secret, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (name) DO NOTHING RETURNING id`,
        [draft.name, draft.url, draft.description, draft.usage, draft.secret, draft.createdAt, draft.createdBy],
      );
      const id = rows[0]?.id;
      if (id === undefined) throw new CommandExistsError(`a command /${draft.name} exists`);
      await client.query(INSERT_AUDIT, auditValues({ ...audit, target: commandAuditId(id) }));
      return { id, ...draft };
    });
  }

  async commands(): Promise<RegisteredCommandRecord[]> {
    const { rows } = await this.query<CommandRow>('commands', 'SELECT * FROM slash_commands ORDER BY name', []);
    return rows.map(toCommand);
  }

  async commandByName(name: string): Promise<RegisteredCommandRecord | undefined> {
    const { rows } = await this.query<CommandRow>('commandByName', 'SELECT * FROM slash_commands WHERE name = $1', [name]);
    return rows[0] && toCommand(rows[0]);
  }

  async deleteCommand(id: number, audit: AuditDraft): Promise<boolean> {
    return this.transaction('deleteCommand', async (client) => {
      const { rowCount } = await client.query('DELETE FROM slash_commands WHERE id = $1', [id]);
      if (!rowCount) return false;
      await client.query(INSERT_AUDIT, auditValues(audit));
      return true;
    });
  }

  async setTopic(roomId: number, topic: string, by: string, at: number): Promise<void> {
    await this.query(
      'setTopic',
      `INSERT INTO room_topics (room_id, topic, set_by, set_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (room_id) DO UPDATE SET topic = excluded.topic, set_by = excluded.set_by, set_at = excluded.set_at`,
      [roomId, topic, by, at],
    );
  }

  async topics(roomIds: readonly number[]): Promise<{ roomId: number; topic: string }[]> {
    if (roomIds.length === 0) return [];
    const { rows } = await this.query<{ roomId: number; topic: string }>(
      'topics',
      `SELECT room_id AS "roomId", topic FROM room_topics WHERE room_id = ANY($1::integer[]) AND topic <> ''`,
      [roomIds],
    );
    return rows;
  }

  private async transaction<T>(operation: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    try {
      return await inTransaction(this.pool, work);
    } catch (error) {
      if (error instanceof CommandExistsError) throw error;
      throw toStoreError(error, operation);
    }
  }
}
