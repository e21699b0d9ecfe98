import type { EventKind, StoredMessage } from '../store.js';
import { attachmentsOf } from '../attachments-column.js';

/** A `messages` row as better-sqlite3 returns it. */
export interface MessageRow {
  room_id: number;
  seq: number;
  author: string;
  content: string;
  created_at: number;
  kind: EventKind;
  target: number | null;
  author_id: string | null;
  client_id: string | null;
  /** Set on tombstones (migration 10); absent from reads that serve only live messages (search). */
  redacted_at?: number | null;
  redacted_by?: string | null;
  redacted_by_id?: string | null;
  /** The attached files as JSON (migration 22); absent from reads that do not select it. */
  attachments?: string | null;
}

/** The columns every message read selects, in `MessageRow`'s shape. */
export const MESSAGE_COLUMNS = 'room_id, seq, author, content, created_at, kind, target, author_id, client_id, redacted_at, redacted_by, redacted_by_id, attachments';

export const toMessage = (row: MessageRow): StoredMessage => ({
  roomId: row.room_id,
  offset: row.seq,
  author: row.author,
  text: row.content,
  createdAt: row.created_at,
  kind: row.kind,
  target: row.target,
  authorId: row.author_id,
  clientId: row.client_id,
  // Absent, not null, on a live message: reads and fresh appends of one message compare equal.
  ...(row.redacted_at === undefined || row.redacted_at === null
    ? {}
    : { redacted: { at: row.redacted_at, by: row.redacted_by ?? '', byId: row.redacted_by_id ?? null } }),
  ...attachmentsOf(row.attachments),
});
