/**
 * The pins part of the storage seam. A pin or unpin is an event of its room (kind `pin` /
 * `unpin`, its target the message), stored, delivered and caught up through the one append
 * path like every event; this part only reads what those events add up to: for each message,
 * the latest pin/unpin decides, and a deleted message is pinned no longer.
 */
import type { StoredMessage } from '../shared/message.js';

/** A pinned message and the pin in force on it. */
export interface PinRow {
  /** The pinned message, as it reads now (a live message of the room's log). */
  readonly message: StoredMessage;
  /** The `pin` event: who pinned (`author`, `authorId`), when (`createdAt`), at which offset. */
  readonly pin: StoredMessage;
}

export interface PinStore {
  /**
   * Up to `limit` pinned live messages of the room, the newest pin first. Reads the room's
   * pin and unpin events alone (a partial index), never its whole history.
   */
  pinned(roomId: number, limit: number): Promise<PinRow[]>;
  /** The `pin` event in force on message `target` of the room; undefined when it is not pinned (or was deleted). */
  pinOf(roomId: number, target: number): Promise<StoredMessage | undefined>;
}
