import type { PinRow, PinStore } from '../pins.js';
import type { StoredMessage } from '../store.js';
import type { Query } from './accounts.js';
import { MESSAGE_COLUMNS, toMessage, type MessageRow } from './append-batch.js';

/** The pinned message's columns, from `m`, then the pin's own. */
const PINNED_COLUMNS = `${MESSAGE_COLUMNS.split(', ')
  .map((column) => `m.${column}`)
  .join(', ')}, p.seq AS pin_seq, p.author AS pin_author, p.author_id AS pin_author_id, p.created_at AS pin_at, p.client_id AS pin_client_id`;

/**
 * The pinned live messages of room $1, the newest pin first: for each message the latest of
 * its pin/unpin events (a range of the partial index messages_pins, migration 24) when it is a
 * pin, joined with the message when it is still live (a deletion sets its redacted_at).
 * Exported so that a test can check its plan.
 */
export const PINNED_SQL = `WITH latest (target, seq) AS (
    SELECT target, max(seq) FROM messages WHERE room_id = $1 AND kind IN ('pin', 'unpin') GROUP BY target)
  SELECT ${PINNED_COLUMNS}
    FROM latest l
    JOIN messages p ON p.room_id = $1 AND p.seq = l.seq AND p.kind = 'pin'
    JOIN messages m ON m.room_id = $1 AND m.seq = l.target AND m.kind = 'message' AND m.redacted_at IS NULL
   ORDER BY p.seq DESC LIMIT $2`;

/** The latest pin/unpin of message $2 of room $1 while that message is live. */
export const PIN_OF_SQL = `SELECT ${MESSAGE_COLUMNS} FROM messages
  WHERE room_id = $1 AND target = $2 AND kind IN ('pin', 'unpin')
    AND EXISTS (SELECT 1 FROM messages m WHERE m.room_id = $1 AND m.seq = $2 AND m.kind = 'message' AND m.redacted_at IS NULL)
  ORDER BY seq DESC LIMIT 1`;

interface PinnedRow extends MessageRow {
  pin_seq: string;
  pin_author: string;
  pin_author_id: string | null;
  pin_at: string;
  pin_client_id: string | null;
}

/** Room ids are 32-bit: a larger one names no room (and would fail the query's cast). */
const isRoomId = (roomId: number): boolean => Number.isInteger(roomId) && roomId > 0 && roomId <= 2 ** 31 - 1;

/** Pins on the PostgreSQL store (see ../pins.ts): read from the room's `pin` / `unpin` events. */
export class PostgresPins implements PinStore {
  constructor(private readonly query: Query) {}

  async pinned(roomId: number, limit: number): Promise<PinRow[]> {
    if (!isRoomId(roomId)) return [];
    const { rows } = await this.query<PinnedRow>('pinned', PINNED_SQL, [roomId, limit]);
    return rows.map(toPinRow);
  }

  async pinOf(roomId: number, target: number): Promise<StoredMessage | undefined> {
    if (!isRoomId(roomId)) return undefined;
    const { rows } = await this.query<MessageRow>('pinOf', PIN_OF_SQL, [roomId, target]);
    const row = rows[0];
    return row?.kind === 'pin' ? toMessage(row) : undefined;
  }
}

function toPinRow(row: PinnedRow): PinRow {
  const message = toMessage(row);
  const pin: StoredMessage = {
    roomId: message.roomId,
    offset: Number(row.pin_seq),
    author: row.pin_author,
    text: '',
    createdAt: Number(row.pin_at),
    kind: 'pin',
    target: message.offset,
    authorId: row.pin_author_id,
    clientId: row.pin_client_id,
  };
  return { message, pin };
}
