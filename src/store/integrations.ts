/**
 * The integrations part of the storage seam: bot accounts and incoming webhooks. Their
 * secrets never reach the store in clear: callers pass the SHA-256 of a bot's token and of a
 * webhook's secret (src/secrets.ts), as for session tokens. Every change is stored with its
 * audit entry in one transaction, like the moderation part's.
 */
import type { AuditDraft } from './moderation.js';

/** A bot: its user id is `b:<id>` wherever users are named (messages, members, presence). */
export interface BotRecord {
  readonly id: number;
  readonly name: string;
  /** The rooms it may read and post in: it is a member of each, and of no other. */
  readonly rooms: readonly number[];
  readonly createdAt: number;
  /** Who created it: a user id, or `token:<…>` for the HTTP admin API. */
  readonly createdBy: string;
  /** When its token was revoked (milliseconds since the epoch); null while it works. */
  readonly revokedAt: number | null;
}

/** A new bot: its name, its token's hash, its rooms. */
export interface BotDraft {
  readonly name: string;
  readonly tokenHash: string;
  readonly rooms: readonly number[];
  readonly createdAt: number;
  readonly createdBy: string;
}

/** An incoming webhook: a URL that posts into one room. Its messages are by `w:<id>`. */
export interface WebhookRecord {
  readonly id: number;
  readonly roomId: number;
  /** The author name its messages carry unless a delivery names one (`username`). */
  readonly name: string;
  /** The SHA-256 of its secret: compared in constant time with the hash of the one presented. */
  readonly secretHash: string;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly revokedAt: number | null;
}

/** A new webhook. */
export interface WebhookDraft {
  readonly roomId: number;
  readonly name: string;
  readonly secretHash: string;
  readonly createdAt: number;
  readonly createdBy: string;
}

export interface IntegrationStore {
  /**
   * Stores a bot, claims its name for good in the names namespace (so no account or guest
   * can take it, see accounts.ts), makes it a member of each of its rooms, and records
   * `audit` (its `target` is filled with the bot's user id), in one transaction. Rejects with
   * `NameTakenError` when the name (or a look-alike) is held, `UnknownRoomError` when a room
   * does not exist.
   */
  createBot(draft: BotDraft, audit: AuditDraft): Promise<BotRecord>;
  /** The unrevoked bot whose token has this hash. */
  botByToken(tokenHash: string): Promise<BotRecord | undefined>;
  /** Every bot, revoked ones included, by id. */
  bots(): Promise<BotRecord[]>;
  /**
   * Revokes a bot's token and ends its room memberships, recording `audit`, in one
   * transaction; true when it was live. Its name stays claimed: old messages keep naming it.
   */
  revokeBot(id: number, at: number, audit: AuditDraft): Promise<boolean>;

  /** Stores a webhook and records `audit` (`target` filled with `w:<id>`), in one transaction. */
  createWebhook(draft: WebhookDraft, audit: AuditDraft): Promise<WebhookRecord>;
  /** The webhook with this id, revoked or not (the caller checks `revokedAt`). */
  webhookById(id: number): Promise<WebhookRecord | undefined>;
  /** Every webhook, revoked ones included, by id. */
  webhooks(): Promise<WebhookRecord[]>;
  /** Revokes a webhook, recording `audit`, in one transaction; true when it was live. */
  revokeWebhook(id: number, at: number, audit: AuditDraft): Promise<boolean>;
}

/** The user id of a bot's messages and memberships. */
export const botUserId = (id: number): string => `b:${id}`;
/** The user id of a webhook's messages. */
export const webhookUserId = (id: number): string => `w:${id}`;

/** A row of `bots` as both backends read it (`rooms`: a JSON array of room ids). */
export interface BotRow {
  id: number;
  name: string;
  rooms: string;
  created_at: number | string;
  created_by: string;
  revoked_at: number | string | null;
}

/** A row of `webhooks` as both backends read it. */
export interface WebhookRow {
  id: number;
  room_id: number;
  name: string;
  secret_hash: string;
  created_at: number | string;
  created_by: string;
  revoked_at: number | string | null;
}

export const toBot = (row: BotRow): BotRecord => ({
  id: row.id,
  name: row.name,
  rooms: JSON.parse(row.rooms) as number[],
  createdAt: Number(row.created_at),
  createdBy: row.created_by,
  revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
});

export const toWebhook = (row: WebhookRow): WebhookRecord => ({
  id: row.id,
  roomId: row.room_id,
  name: row.name,
  secretHash: row.secret_hash,
  createdAt: Number(row.created_at),
  createdBy: row.created_by,
  revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
});
