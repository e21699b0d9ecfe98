/**
 * The export part of the storage seam: the paged reads a data export streams
 * (src/export/). Every read is keyset-paged (after the last row of the previous page), so an
 * export of any size holds one page in memory and each page is one index range, however far
 * into the history it is.
 */
import type { EventKind, StoredMessage } from '../shared/message.js';

/** An account as an export shows it: never its password hash, sessions or reset tokens. */
export interface ExportedAccount {
  /** The user id messages and memberships name (`a:<id>`). */
  readonly id: string;
  readonly username: string;
  readonly role: string;
  readonly createdAt: number;
}

/** A room as an export shows it. */
export interface ExportedRoom {
  readonly id: number;
  readonly name: string;
  readonly kind: string;
  readonly createdAt: number;
  /** Its highest offset when read. */
  readonly head: number;
}

/** One person's membership of one room. */
export interface ExportedMembership {
  readonly roomId: number;
  readonly roomName: string;
  readonly roomKind: string;
  readonly userId: string;
  readonly userName: string;
  readonly joinedAt: number;
}

/** Where a page of an author's events starts: after this room's offset. */
export interface AuthorCursor {
  readonly roomId: number;
  readonly offset: number;
}

/** An author's event as an export reads it: the stored event, and for a message when it was last edited. */
export interface AuthoredEvent extends StoredMessage {
  /**
   * For a message: when its latest edit was stored (its text is that edit's), null when it
   * was never edited; null for every other kind.
   */
  readonly editedAt: number | null;
}

/** Where a page of memberships starts: after this room and user. */
export interface MembershipCursor {
  readonly roomId: number;
  readonly userId: string;
}

export interface ExportStore {
  /** The account with this numeric id (of `a:<id>`), as an export shows it. */
  exportedAccount(accountId: number): Promise<ExportedAccount | undefined>;
  /** Up to `limit` accounts with an id above `afterId`, by id. */
  accountsAfter(afterId: number, limit: number): Promise<ExportedAccount[]>;
  /** Up to `limit` rooms (public and direct) with an id above `afterId`, by id. */
  roomsAfter(afterId: number, limit: number): Promise<ExportedRoom[]>;
  /** Up to `limit` memberships after `after` (null: from the start), by room then user id; `userId` narrows them to one person. */
  membershipsAfter(after: MembershipCursor | null, limit: number, userId?: string): Promise<ExportedMembership[]>;
  /**
   * Up to `limit` events of the given `kinds` (messages, edits, deletions, reactions, shares,
   * pins: at least one) stored with `authorId`, in every room, after `after` (null: from the
   * start), by room then offset. A deleted message (and an edit replaced by a newer one) is
   * served as the store keeps it: a tombstone with its text erased. Each message says when it
   * was last edited, read from the change index with it, not asked for one by one.
   */
  eventsByAuthor(authorId: string, kinds: readonly EventKind[], after: AuthorCursor | null, limit: number): Promise<AuthoredEvent[]>;
}

/** Rows one page of an export reads: big enough to amortise a round trip, small in memory. */
export const EXPORT_PAGE = 1000;
