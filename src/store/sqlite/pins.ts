import type Database from 'better-sqlite3';
import type { PinRow, PinStore } from '../pins.js';
import type { StoredMessage } from '../store.js';
import type { Guard } from './accounts.js';
import { MESSAGE_COLUMNS, toMessage, type MessageRow } from './message-row.js';

/** The pinned message's columns, from `m`, then the pin's own. */
const PINNED_COLUMNS = `${MESSAGE_COLUMNS.split(', ')
  .map((column) => `m.${column}`)
  .join(', ')}, p.seq AS pin_seq, p.author AS pin_author, p.author_id AS pin_author_id, p.created_at AS pin_at, p.client_id AS pin_client_id`;

/**
 * The pinned live messages of @room, the newest pin first: for each message the latest of
 * its pin/unpin events (a range of the partial index messages_pins, migration 21) when it is a
 * pin, joined with the message when it is still live (a deletion sets its redacted_at).
 * Without statistics SQLite's planner would rather walk the room's whole history by its
 * primary key: INDEXED BY and CROSS JOIN (which SQLite never reorders) hold it to the pins
 * first, then one primary-key probe per pin. Exported so that a test can check its plan.
 */
export const PINNED_SQL = `WITH latest (target, seq) AS (
    SELECT target, max(seq) FROM messages INDEXED BY messages_pins
     WHERE room_id = @room AND kind IN ('pin', 'unpin') GROUP BY target)
  SELECT ${PINNED_COLUMNS}
    FROM latest l
    CROSS JOIN messages p ON p.room_id = @room AND p.seq = l.seq AND p.kind = 'pin'
    CROSS JOIN messages m ON m.room_id = @room AND m.seq = l.target AND m.kind = 'message' AND m.redacted_at IS NULL
   ORDER BY p.seq DESC LIMIT @limit`;

/** The latest pin/unpin of message @target of @room while that message is live: one range of messages_pins. */
export const PIN_OF_SQL = `SELECT ${MESSAGE_COLUMNS} FROM messages INDEXED BY messages_pins
  WHERE room_id = @room AND target = @target AND kind IN ('pin', 'unpin')
    AND EXISTS (SELECT 1 FROM messages m WHERE m.room_id = @room AND m.seq = @target AND m.kind = 'message' AND m.redacted_at IS NULL)
  ORDER BY seq DESC LIMIT 1`;

interface PinnedRow extends MessageRow {
  pin_seq: number;
  pin_author: string;
  pin_author_id: string | null;
  pin_at: number;
  pin_client_id: string | null;
}

/** Pins on the SQLite store (see ../pins.ts): read from the room's `pin` / `unpin` events. */
export class SqlitePins implements PinStore {
  private readonly statements;

  constructor(
    db: Database.Database,
    private readonly guard: Guard,
  ) {
    this.statements = {
      pinned: db.prepare<{ room: number; limit: number }, PinnedRow>(PINNED_SQL),
      pinOf: db.prepare<{ room: number; target: number }, MessageRow>(PIN_OF_SQL),
    };
  }

  async pinned(roomId: number, limit: number): Promise<PinRow[]> {
    return this.guard(() => this.statements.pinned.all({ room: roomId, limit }).map(toPinRow));
  }

  async pinOf(roomId: number, target: number): Promise<StoredMessage | undefined> {
    return this.guard(() => {
      const row = this.statements.pinOf.get({ room: roomId, target });
      return row?.kind === 'pin' ? toMessage(row) : undefined;
    });
  }
}

function toPinRow(row: PinnedRow): PinRow {
  const message = toMessage(row);
  const pin: StoredMessage = {
    roomId: message.roomId,
    offset: row.pin_seq,
    author: row.pin_author,
    text: '',
    createdAt: row.pin_at,
    kind: 'pin',
    target: message.offset,
    authorId: row.pin_author_id,
    clientId: row.pin_client_id,
  };
  return { message, pin };
}
