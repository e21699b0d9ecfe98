import type Database from 'better-sqlite3';
import { CommandExistsError, commandAuditId, toCommand, type CommandRow, type CommandStore, type RegisteredCommandDraft, type RegisteredCommandRecord } from '../commands.js';
import type { AuditDraft } from '../moderation.js';
import type { Guard } from './accounts.js';

/** Registered slash commands and room topics on the store's SQLite connection. */
export class SqliteCommands implements CommandStore {
  private readonly statements;

  constructor(
    private readonly db: Database.Database,
    private readonly guard: Guard,
  ) {
    this.statements = {
      insert: db.prepare<[string, string, string, string, string, number, string], { id: number }>(
        `INSERT INTO slash_commands (name, url, description, usage, secret, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (name) DO NOTHING RETURNING id`,
      ),
      all: db.prepare<[], CommandRow>('SELECT * FROM slash_commands ORDER BY name'),
      byName: db.prepare<[string], CommandRow>('SELECT * FROM slash_commands WHERE name = ?'),
      remove: db.prepare<[number]>('DELETE FROM slash_commands WHERE id = ?'),
      audit: db.prepare<[number, string, string, string, string | null, number | null, string]>(
        'INSERT INTO audit_log (at, actor, actor_name, action, target, room_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      setTopic: db.prepare<[number, string, string, number]>(
        `INSERT INTO room_topics (room_id, topic, set_by, set_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (room_id) DO UPDATE SET topic = excluded.topic, set_by = excluded.set_by, set_at = excluded.set_at`,
      ),
      topic: db.prepare<[number], { topic: string }>("SELECT topic FROM room_topics WHERE room_id = ? AND topic <> ''"),
    };
  }

  async createCommand(draft: RegisteredCommandDraft, audit: AuditDraft): Promise<RegisteredCommandRecord> {
    const s = this.statements;
    const create = this.db.transaction((): RegisteredCommandRecord => {
      const row = s.insert.get(draft.name, draft.url, draft.description, draft.usage, draft.secret, draft.createdAt, draft.createdBy);
      if (!row) throw new CommandExistsError(`a command /${draft.name} exists`);
      this.insertAudit({ ...audit, target: commandAuditId(row.id) });
      return { id: row.id, ...draft };
    });
    return this.guard(() => create.immediate());
  }

  async commands(): Promise<RegisteredCommandRecord[]> {
    return this.guard(() => this.statements.all.all().map(toCommand));
  }

  async commandByName(name: string): Promise<RegisteredCommandRecord | undefined> {
    return this.guard(() => {
      const row = this.statements.byName.get(name);
      return row && toCommand(row);
    });
  }

  async deleteCommand(id: number, audit: AuditDraft): Promise<boolean> {
    const remove = this.db.transaction((): boolean => {
      if (this.statements.remove.run(id).changes === 0) return false;
      this.insertAudit(audit);
      return true;
    });
    return this.guard(() => remove.immediate());
  }

  async setTopic(roomId: number, topic: string, by: string, at: number): Promise<void> {
    this.guard(() => this.statements.setTopic.run(roomId, topic, by, at));
  }

  async topics(roomIds: readonly number[]): Promise<{ roomId: number; topic: string }[]> {
    return this.guard(() =>
      roomIds.flatMap((roomId) => {
        const row = this.statements.topic.get(roomId);
        return row ? [{ roomId, topic: row.topic }] : [];
      }),
    );
  }

  private insertAudit(a: AuditDraft): void {
    this.statements.audit.run(a.at, a.actor, a.actorName, a.action, a.target, a.roomId, a.detail);
  }
}
