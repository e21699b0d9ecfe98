import type pg from 'pg';
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
}

export const MESSAGE_COLUMNS = 'room_id, seq, idempotency_key, author, content, created_at, kind, target, author_id, client_id';

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
});

/**
 * Opens the batch's transaction. An acknowledged message must survive a server crash, and
 * `synchronous_commit = off` (which an operator may set for the server, database or role)
 * acknowledges a commit before it is flushed; so it is raised to `on` for this transaction
 * when off, and stricter settings are left alone. Both statements travel in one round trip.
 */
const BEGIN_DURABLE = `BEGIN; SELECT set_config('synchronous_commit', 'on', true) WHERE current_setting('synchronous_commit') = 'off'`;

/** What one draft of the batch turns into, decided before offsets are known. */
type Plan =
  | { kind: 'unknown-room' }
  | { kind: 'stored'; message: StoredMessage }
  | { kind: 'new'; indexInRoom: number }
  | { kind: 'repeat'; of: number };

/**
 * Writes one group-commit batch in one transaction on `client` (which must not be inside
 * one), and returns one outcome per draft. Throws, having rolled back, when the
 * transaction failed; the caller decides whether to retry.
 *
 * The order of the steps is the point:
 * 1. Lock the batch's rooms (`FOR UPDATE`, in id order so two batches never deadlock).
 *    Every writer of a room holds this row lock from before it reads the room's keys until
 *    it commits, so writers of one room take turns, and a later writer's offsets are higher
 *    and commit later. That is the promise the delivery layer builds on: when offset N is
 *    committed, every offset below N is committed and readable.
 * 2. Look up the idempotency keys. Under READ COMMITTED this statement sees every commit
 *    that happened before the lock was granted, so a key stored by another process is
 *    found here and is not stored twice.
 * 3. `UPDATE rooms SET head = head + n RETURNING head` reserves the offsets.
 * 4. Insert the new messages, then commit.
 * A unique violation on the key can then only come from a writer that bypassed the lock;
 * the caller retries the batch, and step 2 finds the key.
 */
export async function appendBatch(client: pg.PoolClient, drafts: readonly MessageDraft[]): Promise<(AppendResult | Error)[]> {
  try {
    await client.query(BEGIN_DURABLE);
  } catch (error) {
    throw new BatchNotStartedError('the transaction did not begin', { cause: error });
  }
  try {
    const outcomes = await writeInTransaction(client, drafts);
    await client.query('COMMIT');
    return outcomes;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function writeInTransaction(client: pg.PoolClient, drafts: readonly MessageDraft[]): Promise<(AppendResult | Error)[]> {
  const wantedRooms = [...new Set(drafts.map((draft) => draft.roomId))].sort((a, b) => a - b);
  const locked = await client.query<{ id: number }>('SELECT id FROM rooms WHERE id = ANY($1::integer[]) ORDER BY id FOR UPDATE', [
    wantedRooms,
  ]);
  const existingRooms = new Set(locked.rows.map((row) => row.id));
  const stored = await storedByKey(client, drafts, existingRooms);

  const newCounts = new Map<number, number>();
  const firstInBatch = new Map<string, number>();
  const plans = drafts.map((draft, index): Plan => {
    if (!existingRooms.has(draft.roomId)) return { kind: 'unknown-room' };
    if (draft.idempotencyKey !== null) {
      const slot = keySlot(draft.roomId, draft.idempotencyKey);
      const message = stored.get(slot);
      if (message) return { kind: 'stored', message };
      const first = firstInBatch.get(slot);
      if (first !== undefined) return { kind: 'repeat', of: first };
      firstInBatch.set(slot, index);
    }
    const indexInRoom = newCounts.get(draft.roomId) ?? 0;
    newCounts.set(draft.roomId, indexInRoom + 1);
    return { kind: 'new', indexInRoom };
  });

  const firstOffsets = await reserveOffsets(client, newCounts);
  const createdAt = Date.now();
  const messages = drafts.map((draft, index): StoredMessage | undefined => {
    const plan = plans[index];
    if (plan?.kind !== 'new') return undefined;
    const first = firstOffsets.get(draft.roomId) ?? 0;
    return {
      roomId: draft.roomId,
      offset: first + plan.indexInRoom,
      author: draft.author,
      text: draft.text,
      createdAt,
      kind: draft.kind ?? 'message',
      target: draft.target ?? null,
      authorId: draft.authorId ?? null,
      clientId: draft.clientId ?? null,
    };
  });
  await insertMessages(client, drafts, messages);

  return plans.map((plan, index): AppendResult | Error => {
    switch (plan.kind) {
      case 'unknown-room':
        return new UnknownRoomError(`no room ${drafts[index]?.roomId}`);
      case 'stored':
        return { message: plan.message, duplicate: true };
      case 'repeat':
      case 'new': {
        const message = messages[plan.kind === 'new' ? index : plan.of];
        if (!message) return new Error('append batch: a planned message was not built');
        return { message, duplicate: plan.kind === 'repeat' };
      }
    }
  });
}

const keySlot = (roomId: number, key: string): string => `${roomId}:${key}`;

/** Messages already stored under the batch's keys, by `keySlot`. */
async function storedByKey(
  client: pg.PoolClient,
  drafts: readonly MessageDraft[],
  rooms: ReadonlySet<number>,
): Promise<Map<string, StoredMessage>> {
  const keyed = drafts.filter((draft) => draft.idempotencyKey !== null && rooms.has(draft.roomId));
  const found = new Map<string, StoredMessage>();
  if (keyed.length === 0) return found;
  const { rows } = await client.query<MessageRow>(
    `SELECT ${MESSAGE_COLUMNS.split(', ').map((column) => `m.${column}`).join(', ')}
       FROM messages m
       JOIN unnest($1::integer[], $2::text[]) AS wanted (room_id, idempotency_key)
         ON m.room_id = wanted.room_id AND m.idempotency_key = wanted.idempotency_key`,
    [keyed.map((draft) => draft.roomId), keyed.map((draft) => draft.idempotencyKey)],
  );
  for (const row of rows) {
    if (row.idempotency_key !== null) found.set(keySlot(row.room_id, row.idempotency_key), toMessage(row));
  }
  return found;
}

/** Bumps each room's head by its count of new messages; returns each room's first new offset. */
async function reserveOffsets(client: pg.PoolClient, newCounts: ReadonlyMap<number, number>): Promise<Map<number, number>> {
  const firstOffsets = new Map<number, number>();
  if (newCounts.size === 0) return firstOffsets;
  const { rows } = await client.query<{ id: number; head: string }>(
    `UPDATE rooms SET head = rooms.head + bump.n
       FROM unnest($1::integer[], $2::integer[]) AS bump (id, n)
      WHERE rooms.id = bump.id
      RETURNING rooms.id, rooms.head`,
    [[...newCounts.keys()], [...newCounts.values()]],
  );
  for (const row of rows) firstOffsets.set(row.id, Number(row.head) - (newCounts.get(row.id) ?? 0) + 1);
  return firstOffsets;
}

/** One `INSERT` for the whole batch: the row count costs no extra round trips. */
async function insertMessages(
  client: pg.PoolClient,
  drafts: readonly MessageDraft[],
  messages: readonly (StoredMessage | undefined)[],
): Promise<void> {
  const rows = drafts.flatMap((draft, index) => {
    const message = messages[index];
    return message ? [{ draft, message }] : [];
  });
  if (rows.length === 0) return;
  await client.query(
    `INSERT INTO messages (${MESSAGE_COLUMNS})
     SELECT * FROM unnest($1::integer[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::bigint[],
                          $7::text[], $8::bigint[], $9::text[], $10::text[])`,
    [
      rows.map(({ message }) => message.roomId),
      rows.map(({ message }) => message.offset),
      rows.map(({ draft }) => draft.idempotencyKey),
      rows.map(({ message }) => message.author),
      rows.map(({ message }) => message.text),
      rows.map(({ message }) => message.createdAt),
      rows.map(({ message }) => message.kind),
      rows.map(({ message }) => message.target),
      rows.map(({ message }) => message.authorId),
      rows.map(({ message }) => message.clientId),
    ],
  );
}

/**
 * The batch failed before its transaction began (typically a pooled connection the server
 * had closed while it sat idle): nothing of it was written, so it can run again at once.
 */
export class BatchNotStartedError extends Error {
  override readonly name = 'BatchNotStartedError';
}
