import type { AttachedFile } from '../shared/message.js';
import type { ClaimRefusal, ClaimRequest } from './files.js';

/** A `files` row as a claim reads it, in either backend. */
export interface ClaimRow {
  readonly id: string;
  readonly room_id: number;
  readonly owner_id: string;
  readonly name: string;
  readonly type: string;
  readonly size: number | string;
  readonly claim_key: string | null;
  readonly message_seq: number | string | null;
}

/**
 * The one judgement of a claim, shared by both backends (each reads the rows and writes the
 * claim in one transaction around it): the files in the order asked, or the first reason
 * one of them may not be attached.
 */
export function judgeClaim(request: ClaimRequest, rows: readonly ClaimRow[]): AttachedFile[] | ClaimRefusal {
  const byId = new Map(rows.map((row) => [row.id, row]));
  const files: AttachedFile[] = [];
  for (const id of request.ids) {
    const row = byId.get(id);
    if (!row) return { refused: `no such file: ${id}` };
    if (row.owner_id !== request.ownerId) return { refused: `file ${id} was uploaded by someone else` };
    if (row.room_id !== request.roomId) return { refused: `file ${id} was uploaded to another room` };
    // The same key: a retry of the message that holds (or is about to hold) it.
    if (row.message_seq !== null && row.claim_key !== request.key) return { refused: `file ${id} is already attached to a message` };
    files.push({ id: row.id, name: row.name, type: row.type, size: Number(row.size) });
  }
  return files;
}
