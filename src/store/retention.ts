/**
 * The retention part of the storage seam: each room's own rule (delete messages older than
 * N days), set by admins, and the messages a pass of the retention runner erases
 * (src/retention/runner.ts). Erasing itself is a `delete` event appended like any other
 * (Store.appendMessage), so the store's redaction erases search, mentions, reactions and
 * edits in the same transaction and every reader is served a tombstone.
 */

/** A message the retention rules say must go. */
export interface ExpiredMessage {
  readonly roomId: number;
  readonly offset: number;
  readonly authorId: string | null;
}

/** A room's own rule. */
export interface RoomRetention {
  readonly roomId: number;
  readonly days: number;
}

export interface RetentionStore {
  /** Sets (`days`) or removes (null) a room's own rule; it overrides the deployment's. */
  setRoomRetention(roomId: number, days: number | null): Promise<void>;
  /** Every room with a rule of its own, by room id. */
  roomRetentions(): Promise<RoomRetention[]>;
  /**
   * Up to `limit` live messages (kind `message`, no deletion stored) created before their
   * room's cutoff: `now` less the room's own days, else `globalCutoff` (null: rooms without a
   * rule of their own keep everything), oldest offsets first per room.
   */
  expiredMessages(globalCutoff: number | null, now: number, limit: number): Promise<ExpiredMessage[]>;
}

export const DAY_MS = 86_400_000;
