/**
 * The storage seam. Everything Parley keeps lives behind this interface, spoken in the
 * chat's own words; SQLite and PostgreSQL implement it and pass the same contract suite
 * (test/store/contract.ts). `createStore` in ./index.ts is the one place a backend is picked.
 */
import type { AccountStore } from './accounts.js';
import type { ExportStore } from './exports.js';
import type { IntegrationStore } from './integrations.js';
import type { OutboxStore } from './outbox.js';
import type { RetentionStore } from './retention.js';
import type { SsoStore } from './sso.js';
import type { CommandStore } from './commands.js';
import type { MentionStore } from './mentions.js';
import type { ModerationStore } from './moderation.js';
import type { RoomStore } from './rooms.js';
import type { SearchStore } from './search.js';
import type { ThreadStore } from './threads.js';
import type { PinStore } from './pins.js';
import type { AttachedFile, EventKind, StoredMessage } from '../shared/message.js';
import type { FileMetaStore } from './files.js';

export type { AttachedFile, EventKind, Redaction, StoredMessage } from '../shared/message.js';

/** A room's id and unique name. `general` always exists: it is the tutorial's room. */
export interface Room {
  readonly id: number;
  readonly name: string;
}

/** A message about to be stored. */
export interface MessageDraft {
  readonly roomId: number;
  readonly author: string;
  readonly text: string;
  /**
   * Makes a retry idempotent: a second draft with the same key in the same room is not
   * stored again; the first one is returned. `null` stores unconditionally.
   */
  readonly idempotencyKey: string | null;
  /** @default 'message' */
  readonly kind?: EventKind;
  /** Edits, deletions and reactions: the offset of the message they change; a thread reply: its root. */
  readonly target?: number | null;
  readonly authorId?: string | null;
  readonly clientId?: string | null;
  /**
   * Files claimed for this message (FileMetaStore.claim, with this draft's idempotency key):
   * the append links them in its transaction; the stored message carries them.
   */
  readonly attachments?: readonly AttachedFile[];
}

/** The outcome of `appendMessage`. */
export interface AppendResult {
  readonly message: StoredMessage;
  /** True when the idempotency key had been stored before: nothing new was written. */
  readonly duplicate: boolean;
}

/**
 * Everything Parley keeps, by its parts: messages (below, the store's own), rooms and
 * membership (`rooms`), identity (`accounts`), roles, bans, mutes and the audit log
 * (`moderation`), full-text search (`search`), who messages mention (`mentions`), who
 * follows which thread (`threads`), which messages are pinned (`pins`), bots and webhooks (`integrations`). Callers
 * name the part: `store.rooms.isMember(...)`. Every backend gives each part its own object,
 * on the store's connection or pool.
 */
export interface Store extends StoreParts {
  /**
   * The epoch of the history this database holds, settled when the store was opened: offsets
   * name events only within one epoch. Drawn at random when the database is created, and
   * drawn again when a restored backup is opened (SQLite: `npm run backup` marks its copy;
   * PostgreSQL: `pg_restore` re-creates the table that holds it) or by `npm run new-epoch`.
   * Within an epoch an offset is never given to two events. Clients keep it beside their
   * offsets, and a client that presents another one is told to reload the room.
   */
  readonly historyEpoch: string;
  /**
   * Stores a message with its room's next offset, durably, before resolving. Appends that
   * arrive together are committed in one transaction (group commit).
   * Rejects with `StoreUnavailableError` when a retry later may succeed, with
   * `UnknownRoomError` when the room does not exist, and with `UnstorableDraftError` when
   * this draft's own data cannot be stored; a draft that fails on its own never fails the
   * other appends of its batch.
   *
   * Redaction, in the same transaction: a `delete` erases the text of its target, of the
   * target's edits and reactions (each becomes a tombstone, see Redaction) and the
   * target's mentions; an `edit` rewrites its target's text and erases the text of the
   * target's earlier edits; an edit or reaction stored after its target was deleted is
   * erased as it is stored. Every read then serves what the history reads now.
   */
  appendMessage(draft: MessageDraft): Promise<AppendResult>;
  /** Up to `limit` messages of a room with offset > `afterOffset`, in offset order. */
  messagesAfter(roomId: number, afterOffset: number, limit: number): Promise<StoredMessage[]>;
  /** The highest offset stored in a room; 0 when it has none. */
  roomHead(roomId: number): Promise<number>;
  /**
   * Resolves when the database would take a write now (for readiness): SQLite's write lock
   * can be taken, PostgreSQL is a primary and not a read-only standby. Rejects with
   * `StoreUnavailableError` otherwise. Writes nothing.
   */
  checkWritable(): Promise<void>;
  /** The room with this name, if it exists. */
  roomByName(name: string): Promise<Room | undefined>;
  /**
   * Present on a store that itself tells every process sharing it of each message stored
   * through another one: a cluster worker's store, whose node writer (in the cluster
   * primary, which knows every worker) relays each commit. `listener` gets those messages
   * (never this process's own appends) as each commit's replies leave the writer; the
   * caller then need not announce appends to the node's other workers, only to other nodes
   * (src/delivery/inbound.ts). Absent (a lone process): whoever appends announces. Returns
   * the function that stops listening.
   */
  watchAppends?(listener: (messages: readonly StoredMessage[]) => void): () => void;
  /** Finishes pending appends, then releases the connection. Idempotent. */
  close(): Promise<void>;
}

/** The parts of the store, each its own object (see Store). */
export interface StoreParts {
  readonly rooms: RoomStore;
  readonly accounts: AccountStore;
  readonly moderation: ModerationStore;
  readonly search: SearchStore;
  readonly mentions: MentionStore;
  /** Bot accounts and incoming webhooks (./integrations.ts). */
  readonly integrations: IntegrationStore;
  /** Thread follows, read markers and summaries (./threads.ts). */
  readonly threads: ThreadStore;
  /** What the room's pin and unpin events add up to: its pinned messages (./pins.ts). */
  readonly pins: PinStore;
  /** Outgoing webhooks and the outbox of their deliveries (./outbox.ts). */
  readonly outbox: OutboxStore;
  /** Room retention rules and the messages they expire (./retention.ts). */
  readonly retention: RetentionStore;
  /** Single sign-on: identities bound to accounts, and sign-in flows in progress (./sso.ts). */
  readonly sso: SsoStore;
  /** Registered slash commands and room topics (./commands.ts). */
  readonly commands: CommandStore;
  /** Uploaded files' metadata and what they are attached to (./files.ts). */
  readonly files: FileMetaStore;
  /** The paged reads of data exports (./exports.ts). */
  readonly exports: ExportStore;
}

/** The name of one part of the store. */
export type StorePart = keyof StoreParts;

/** Storage is busy or down: the operation may succeed if tried again later. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}

/** The draft names a room that does not exist. */
export class UnknownRoomError extends Error {
  override readonly name = 'UnknownRoomError';
}

/**
 * The draft's own data cannot be stored, and so never will be: a string field holds U+0000
 * or a lone surrogate (refused identically by every backend), or the database refused the
 * row. Not worth retrying; the other drafts of its batch are stored all the same.
 */
export class UnstorableDraftError extends Error {
  override readonly name = 'UnstorableDraftError';
}

/** The name of the room every connection is in: the tutorial's only room. */
export const DEFAULT_ROOM = 'general';
