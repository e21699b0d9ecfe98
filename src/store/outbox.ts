/**
 * The outgoing webhooks part of the storage seam: the hooks an admin configured, and the
 * outbox of their deliveries. The outbox is filled from the stored history, not from the
 * append path: each hook keeps `enqueuedThrough` (the room offset it has looked at), and
 * `enqueue` moves it forward and inserts that range's deliveries in one transaction, only
 * when it still holds the value the caller read (compare-and-set). So whichever node or
 * worker stored a message, and whichever ones look at it, its delivery row is made once,
 * and a message stored before a crash is enqueued after it.
 *
 * A delivery stays in the outbox until its receiver acknowledged it (2xx), then is removed.
 * `claim` leases rows to one dispatcher (PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite: the
 * one writer runs claims one after another); a dispatcher that dies leaves its lease to run
 * out, and the row is claimed again: delivery is at least once, each with its event id.
 */
import type { AuditDraft } from './moderation.js';

/** An outgoing webhook: each new message of `roomId` (matching a trigger word, if any) is POSTed to `url`. */
export interface OutgoingWebhookRecord {
  readonly id: number;
  readonly roomId: number;
  /** The author name of the replies its receiver answers with (user id `o:<id>`). */
  readonly name: string;
  readonly url: string;
  /** Empty: every message; else only messages whose first word is one of these (case-insensitive). */
  readonly triggerWords: readonly string[];
  /**
   * The HMAC-SHA256 signing key. Kept in clear, unlike an incoming webhook's secret: signing
   * needs the key itself, not a hash of it.
   */
  readonly secret: string;
  /** The last room offset looked at for deliveries (the room's head when it was created). */
  readonly enqueuedThrough: number;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly revokedAt: number | null;
}

export interface OutgoingWebhookDraft {
  readonly roomId: number;
  readonly name: string;
  readonly url: string;
  readonly triggerWords: readonly string[];
  readonly secret: string;
  readonly createdAt: number;
  readonly createdBy: string;
}

/** One message to deliver to one hook. */
export interface OutboxDelivery {
  readonly id: number;
  readonly hookId: number;
  readonly roomId: number;
  /** The message's offset in its room. */
  readonly offset: number;
  /** Stable across retries and redeliveries: what a receiver deduplicates on. */
  readonly eventId: string;
  /** Failed attempts so far. */
  readonly attempts: number;
  /** When it may next be tried (ms since the epoch). */
  readonly nextAttemptAt: number;
  /** Set once it failed `maxAttempts` times: no longer tried until an admin retries it. */
  readonly parkedAt: number | null;
  readonly lastError: string | null;
  readonly createdAt: number;
}

/** How one attempt ended, when it did not succeed. */
export interface DeliveryFailure {
  readonly error: string;
  /** The next try; null parks the delivery. */
  readonly nextAttemptAt: number | null;
  readonly at: number;
}

export interface OutboxStore {
  /** Stores a hook (its cursor at the room's head: only later messages go out) and records `audit` (`target` filled with `o:<id>`). Rejects with `UnknownRoomError`. */
  createOutgoing(draft: OutgoingWebhookDraft, audit: AuditDraft): Promise<OutgoingWebhookRecord>;
  /** Every outgoing hook, revoked ones included, by id. */
  outgoingWebhooks(): Promise<OutgoingWebhookRecord[]>;
  /** Revokes a hook and drops its undelivered rows, recording `audit`; true when it was live. */
  revokeOutgoing(id: number, at: number, audit: AuditDraft): Promise<boolean>;
  /**
   * Moves hook `hookId`'s cursor from `from` to `through` and inserts a delivery for each of
   * `offsets` (within that range), in one transaction; false (nothing written) when the
   * cursor no longer reads `from`: someone else enqueued that range.
   */
  enqueue(hookId: number, from: number, through: number, offsets: readonly number[], at: number): Promise<boolean>;
  /** Leases up to `limit` due, unparked deliveries of live hooks until `now + leaseMs`, oldest first. */
  claim(now: number, leaseMs: number, limit: number): Promise<OutboxDelivery[]>;
  /** The receiver acknowledged it: the row is removed. */
  delivered(id: number): Promise<void>;
  /** An attempt failed: counted, its lease ended, and either rescheduled or parked. */
  failed(id: number, failure: DeliveryFailure): Promise<void>;
  /** Parked deliveries of live hooks, oldest first. */
  parked(): Promise<OutboxDelivery[]>;
  /** Makes a parked delivery due now with its attempts reset, recording `audit`; false when no such parked row. */
  retryParked(id: number, at: number, audit: AuditDraft): Promise<boolean>;
  /** Removes a parked delivery for good (its message is never sent to the hook), recording `audit`; false when no such parked row. */
  discardParked(id: number, audit: AuditDraft): Promise<boolean>;
}

/** The user id of an outgoing webhook's replies. */
export const outgoingUserId = (id: number): string => `o:${id}`;

/** The event id of a hook's delivery of one message: the same on every node and every retry. */
export const deliveryEventId = (hookId: number, roomId: number, offset: number): string => `evt-${hookId}-${roomId}-${offset}`;

/** A row of `outgoing_webhooks` as both backends read it. */
export interface OutgoingRow {
  id: number;
  room_id: number;
  name: string;
  url: string;
  trigger_words: string;
  secret: string;
  enqueued_through: number | string;
  created_at: number | string;
  created_by: string;
  revoked_at: number | string | null;
}

/** A row of `outbox` as both backends read it. */
export interface OutboxRow {
  id: number | string;
  hook_id: number;
  room_id: number;
  message_offset: number | string;
  event_id: string;
  attempts: number;
  next_attempt_at: number | string;
  parked_at: number | string | null;
  last_error: string | null;
  created_at: number | string;
}

export const toOutgoing = (row: OutgoingRow): OutgoingWebhookRecord => ({
  id: row.id,
  roomId: row.room_id,
  name: row.name,
  url: row.url,
  triggerWords: JSON.parse(row.trigger_words) as string[],
  secret: row.secret,
  enqueuedThrough: Number(row.enqueued_through),
  createdAt: Number(row.created_at),
  createdBy: row.created_by,
  revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
});

export const toDelivery = (row: OutboxRow): OutboxDelivery => ({
  id: Number(row.id),
  hookId: row.hook_id,
  roomId: row.room_id,
  offset: Number(row.message_offset),
  eventId: row.event_id,
  attempts: row.attempts,
  nextAttemptAt: Number(row.next_attempt_at),
  parkedAt: row.parked_at === null ? null : Number(row.parked_at),
  lastError: row.last_error,
  createdAt: Number(row.created_at),
});

/** Longest error text kept on a row. */
export const MAX_ERROR_TEXT = 300;
