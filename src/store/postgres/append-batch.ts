import type pg from 'pg';
import { attachmentsOf } from '../attachments-column.js';
import { UnknownRoomError, type AppendResult, type EventKind, type MessageDraft, type StoredMessage } from '../store.js';

/** A `messages` row as node-postgres returns it: `bigint` columns arrive as strings. */
export interface MessageRow {
  room_id: number;
  seq: string;
  idempotency_key: string | null;
  author: string;
  content: string;
  created_at: string;
  kind: EventKind;
  target: string | null;
  author_id: string | null;
  client_id: string | null;
  /** Set on tombstones (migration 12); absent where a row is built from `parley_append`'s reply. */
  redacted_at?: string | null;
  redacted_by?: string | null;
  redacted_by_id?: string | null;
  /** The attached files as JSON (migration 25); absent where a row is built from `parley_append`'s reply. */
  attachments?: string | null;
}

export const MESSAGE_COLUMNS =
  'room_id, seq, idempotency_key, author, content, created_at, kind, target, author_id, client_id, redacted_at, redacted_by, redacted_by_id, attachments';

export const toMessage = (row: MessageRow): StoredMessage => ({
  roomId: row.room_id,
  offset: Number(row.seq),
  author: row.author,
  text: row.content,
  createdAt: Number(row.created_at),
  kind: row.kind,
  target: row.target === null ? null : Number(row.target),
  authorId: row.author_id,
  clientId: row.client_id,
  // Absent, not null, on a live message: reads and fresh appends of one message compare equal.
  ...(row.redacted_at === undefined || row.redacted_at === null
    ? {}
    : { redacted: { at: Number(row.redacted_at), by: row.redacted_by ?? '', byId: row.redacted_by_id ?? null } }),
  ...attachmentsOf(row.attachments),
});

/** A row of `parley_append` (see ./append-function.ts); the other columns are set for outcome 2 only. */
interface AppendRow {
  ord: number;
  seq: string;
  outcome: 0 | 1 | 2;
  author: string | null;
  content: string | null;
  created_at: string | null;
  kind: EventKind | null;
  target: string | null;
  author_id: string | null;
  client_id: string | null;
}

const STORED_NOW = 0;
const REPEATED_IN_BATCH = 1;

/**
 * Named, so each connection parses it once and later batches send only Bind/Execute/Sync.
 * The `::` casts give node-postgres' untyped array parameters their element types.
 */
const APPEND_QUERY = {
  name: 'parley_append',
  text: 'SELECT * FROM parley_append($1::integer, $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::text[], $9::bigint)',
};

/**
 * Writes one group-commit batch of drafts to one room with ONE statement (one round trip,
 * one transaction: `parley_append`, ./append-function.ts), and returns one outcome per
 * draft in input order. The room's row lock is taken and released inside the server, so
 * the writers of a room wait for each other only as long as PostgreSQL itself works on a
 * batch and flushes it, never for a network round trip.
 *
 * Throws when the statement failed; then nothing of it was stored, unless the connection
 * broke, in which case the commit may or may not have happened (the caller reports the
 * store unavailable, and the client's retry with its idempotency key settles it).
 */
export async function appendRoomBatch(client: pg.PoolClient, roomId: number, drafts: readonly MessageDraft[]): Promise<(AppendResult | Error)[]> {
  const createdAt = Date.now();
  const { rows } = await client.query<AppendRow>({
    ...APPEND_QUERY,
    values: [
      roomId,
      drafts.map((draft) => draft.idempotencyKey),
      drafts.map((draft) => draft.author),
      drafts.map((draft) => draft.text),
      drafts.map((draft) => draft.kind ?? 'message'),
      drafts.map((draft) => draft.target ?? null),
      drafts.map((draft) => draft.authorId ?? null),
      drafts.map((draft) => draft.clientId ?? null),
      createdAt,
    ],
  });
  if (rows.length === 0) return drafts.map(() => new UnknownRoomError(`no room ${roomId}`));
  if (rows.length !== drafts.length) throw new Error(`parley_append returned ${rows.length} rows for ${drafts.length} drafts`);

  const fresh = (draft: MessageDraft, offset: number): StoredMessage => ({
    roomId,
    offset,
    author: draft.author,
    text: draft.text,
    createdAt,
    kind: draft.kind ?? 'message',
    target: draft.target ?? null,
    authorId: draft.authorId ?? null,
    clientId: draft.clientId ?? null,
    // Linked by the append's trigger from the claim that made this list (store/files.ts).
    ...(draft.attachments && draft.attachments.length > 0 ? { attachments: draft.attachments } : {}),
  });
  // A repeat within the batch returns the message of the draft it repeats, built once.
  const storedNow = new Map<number, StoredMessage>();
  return rows.map((row, index): AppendResult | Error => {
    const draft = drafts[index];
    if (!draft || row.ord !== index + 1) return new Error('parley_append: rows out of order');
    const offset = Number(row.seq);
    if (row.outcome === STORED_NOW) {
      const message = fresh(draft, offset);
      storedNow.set(offset, message);
      return { message, duplicate: false };
    }
    if (row.outcome === REPEATED_IN_BATCH) {
      const message = storedNow.get(offset);
      return message ? { message, duplicate: true } : new Error('parley_append: a repeat precedes its first draft');
    }
    return {
      message: toMessage({
        room_id: roomId,
        seq: row.seq,
        idempotency_key: draft.idempotencyKey,
        author: row.author ?? '',
        content: row.content ?? '',
        created_at: row.created_at ?? '0',
        kind: row.kind ?? 'message',
        target: row.target,
        author_id: row.author_id,
        client_id: row.client_id,
      }),
      duplicate: true,
    };
  });
}
