import type Database from 'better-sqlite3';
import type { AttachedFile } from '../../shared/message.js';
import { judgeClaim, type ClaimRow } from '../files-claim.js';
import type { ClaimRefusal, ClaimRequest, FileMetaStore, FileRecord } from '../files.js';
import type { Guard } from './accounts.js';

interface FileRow {
  id: string;
  roomId: number;
  ownerId: string;
  name: string;
  type: string;
  size: number;
  createdAt: number;
  messageOffset: number | null;
}

const FILE_COLUMNS = 'id, room_id AS roomId, owner_id AS ownerId, name, type, size, created_at AS createdAt, message_seq AS messageOffset';

/** Files' metadata on the store's SQLite connection (migration 22; see ../files.ts). */
export class SqliteFiles implements FileMetaStore {
  private readonly statements;

  constructor(
    private readonly db: Database.Database,
    private readonly guard: Guard,
  ) {
    this.statements = {
      add: db.prepare(
        'INSERT INTO files (id, room_id, owner_id, name, type, size, created_at) VALUES (@id, @roomId, @ownerId, @name, @type, @size, @createdAt)',
      ),
      file: db.prepare<[string], FileRow>(`SELECT ${FILE_COLUMNS} FROM files WHERE id = ?`),
      usage: db.prepare<[string], { used: number }>('SELECT COALESCE(SUM(size), 0) AS used FROM files WHERE owner_id = ?'),
      claimRow: db.prepare<[string], ClaimRow>('SELECT id, room_id, owner_id, name, type, size, claim_key, message_seq FROM files WHERE id = ?'),
      claim: db.prepare<[string, number, string]>('UPDATE files SET claim_key = ?, claim_order = ? WHERE id = ?'),
      attached: db.prepare<[number, number], { id: string }>('SELECT id FROM files WHERE room_id = ? AND message_seq = ?'),
      forgetAttached: db.prepare<[number, number]>('DELETE FROM files WHERE room_id = ? AND message_seq = ?'),
      dropList: db.prepare<[number, number]>('UPDATE messages SET attachments = NULL WHERE room_id = ? AND seq = ?'),
      unattached: db.prepare<[number, number], { id: string }>(
        'SELECT id FROM files WHERE message_seq IS NULL AND created_at < ? ORDER BY created_at LIMIT ?',
      ),
      remove: db.prepare<[string]>('DELETE FROM files WHERE id = ?'),
      // files_owner and files_message: one index range each.
      owned: db.prepare<[string, number], FileRow>(`SELECT ${FILE_COLUMNS} FROM files WHERE owner_id = ? ORDER BY created_at, id LIMIT ?`),
      inRoom: db.prepare<[number, number], FileRow>(`SELECT ${FILE_COLUMNS} FROM files WHERE room_id = ? AND message_seq IS NOT NULL ORDER BY message_seq, claim_order LIMIT ?`),
    };
  }

  async addFile(file: Omit<FileRecord, 'messageOffset'>): Promise<void> {
    const { id, roomId, ownerId, name, type, size, createdAt } = file;
    this.guard(() => this.statements.add.run({ id, roomId, ownerId, name, type, size, createdAt }));
  }

  async file(id: string): Promise<FileRecord | undefined> {
    return this.guard(() => this.statements.file.get(id));
  }

  async usage(ownerId: string): Promise<number> {
    return this.guard(() => this.statements.usage.get(ownerId)?.used ?? 0);
  }

  async owned(ownerId: string, limit: number): Promise<FileRecord[]> {
    return this.guard(() => this.statements.owned.all(ownerId, limit));
  }

  async inRoom(roomId: number, limit: number): Promise<FileRecord[]> {
    return this.guard(() => this.statements.inRoom.all(roomId, limit));
  }

  async claim(request: ClaimRequest): Promise<AttachedFile[] | ClaimRefusal> {
    const claim = this.db.transaction((): AttachedFile[] | ClaimRefusal => {
      const rows = request.ids.flatMap((id) => this.statements.claimRow.get(id) ?? []);
      const judged = judgeClaim(request, rows);
      if ('refused' in judged) return judged;
      judged.forEach((file, order) => this.statements.claim.run(request.key, order, file.id));
      return judged;
    });
    return this.guard(() => claim.immediate());
  }

  async detach(roomId: number, offset: number): Promise<string[]> {
    const detach = this.db.transaction((): string[] => {
      const ids = this.statements.attached.all(roomId, offset).map((row) => row.id);
      this.statements.forgetAttached.run(roomId, offset);
      this.statements.dropList.run(roomId, offset);
      return ids;
    });
    return this.guard(() => detach.immediate());
  }

  async unattached(before: number, limit: number): Promise<string[]> {
    return this.guard(() => this.statements.unattached.all(before, limit).map((row) => row.id));
  }

  async removeFile(id: string): Promise<void> {
    this.guard(() => this.statements.remove.run(id));
  }
}
