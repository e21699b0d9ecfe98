import type pg from 'pg';
import type { AttachedFile } from '../../shared/message.js';
import { judgeClaim, type ClaimRow } from '../files-claim.js';
import type { ClaimRefusal, ClaimRequest, FileMetaStore, FileRecord } from '../files.js';
import type { Query } from './accounts.js';
import { inTransaction } from './checkout.js';
import { toStoreError } from './errors.js';

interface FileRow {
  id: string;
  roomId: number;
  ownerId: string;
  name: string;
  type: string;
  size: string;
  createdAt: string;
  messageOffset: string | null;
}

const FILE_COLUMNS =
  'id, room_id AS "roomId", owner_id AS "ownerId", name, type, size, created_at AS "createdAt", message_seq AS "messageOffset"';

const toRecord = (row: FileRow): FileRecord => ({
  ...row,
  size: Number(row.size),
  createdAt: Number(row.createdAt),
  messageOffset: row.messageOffset === null ? null : Number(row.messageOffset),
});

/** Files' metadata on the store's pool (migration 25; see ../files.ts). */
export class PostgresFiles implements FileMetaStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly query: Query,
  ) {}

  async addFile(file: Omit<FileRecord, 'messageOffset'>): Promise<void> {
    await this.query(
      'addFile',
      'INSERT INTO files (id, room_id, owner_id, name, type, size, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [file.id, file.roomId, file.ownerId, file.name, file.type, file.size, file.createdAt],
    );
  }

  async file(id: string): Promise<FileRecord | undefined> {
    const { rows } = await this.query<FileRow>('file', `SELECT ${FILE_COLUMNS} FROM files WHERE id = $1`, [id]);
    return rows[0] && toRecord(rows[0]);
  }

  async owned(ownerId: string, limit: number): Promise<FileRecord[]> {
    const { rows } = await this.query<FileRow>('ownedFiles', `SELECT ${FILE_COLUMNS} FROM files WHERE owner_id = $1 ORDER BY created_at, id LIMIT $2`, [ownerId, limit]);
    return rows.map(toRecord);
  }

  async inRoom(roomId: number, limit: number): Promise<FileRecord[]> {
    const { rows } = await this.query<FileRow>(
      'roomFiles',
      `SELECT ${FILE_COLUMNS} FROM files WHERE room_id = $1 AND message_seq IS NOT NULL ORDER BY message_seq, claim_order LIMIT $2`,
      [roomId, limit],
    );
    return rows.map(toRecord);
  }

  async usage(ownerId: string): Promise<number> {
    const { rows } = await this.query<{ used: string }>('usage', 'SELECT COALESCE(SUM(size), 0) AS used FROM files WHERE owner_id = $1', [ownerId]);
    return Number(rows[0]?.used ?? 0);
  }

  async claim(request: ClaimRequest): Promise<AttachedFile[] | ClaimRefusal> {
    return this.transaction('claim', async (client) => {
      // Locked, so that two claims of one file take turns and the second sees the first.
      const { rows } = await client.query<ClaimRow>(
        'SELECT id, room_id, owner_id, name, type, size, claim_key, message_seq FROM files WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE',
        [request.ids],
      );
      const judged = judgeClaim(request, rows);
      if ('refused' in judged) return judged;
      await client.query(
        'UPDATE files SET claim_key = $1, claim_order = c.ord - 1 FROM unnest($2::text[]) WITH ORDINALITY AS c (id, ord) WHERE files.id = c.id',
        [request.key, judged.map((file) => file.id)],
      );
      return judged;
    });
  }

  async detach(roomId: number, offset: number): Promise<string[]> {
    return this.transaction('detach', async (client) => {
      const { rows } = await client.query<{ id: string }>('DELETE FROM files WHERE room_id = $1 AND message_seq = $2 RETURNING id', [roomId, offset]);
      await client.query('UPDATE messages SET attachments = NULL WHERE room_id = $1 AND seq = $2 AND attachments IS NOT NULL', [roomId, offset]);
      return rows.map((row) => row.id);
    });
  }

  async unattached(before: number, limit: number): Promise<string[]> {
    const { rows } = await this.query<{ id: string }>(
      'unattached',
      'SELECT id FROM files WHERE message_seq IS NULL AND created_at < $1 ORDER BY created_at LIMIT $2',
      [before, limit],
    );
    return rows.map((row) => row.id);
  }

  async removeFile(id: string): Promise<void> {
    await this.query('removeFile', 'DELETE FROM files WHERE id = $1', [id]);
  }

  /** A transaction whose failures report as the store's errors (unavailable, not a crash). */
  private async transaction<T>(operation: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    try {
      return await inTransaction(this.pool, work);
    } catch (error) {
      throw toStoreError(error, operation);
    }
  }
}
