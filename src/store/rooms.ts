/**
 * The rooms part of the storage seam: public and direct rooms, who is a member of which,
 * read markers, and the history reads the room protocol needs. Users are plain string ids
 * (`socket.data.user.id`): accounts and guests alike, with no foreign key to an accounts
 * table, so a guest can be a member too.
 */
import type { StoredMessage } from '../shared/message.js';

export type RoomKind = 'public' | 'direct';

/** A room as stored. */
export interface RoomRecord {
  readonly id: number;
  /** Public rooms: unique, as created. Direct rooms: `dm:<userId>:<userId>`, ids sorted. */
  readonly name: string;
  readonly kind: RoomKind;
  /** The highest offset in the room. */
  readonly head: number;
}

/** A member of a room: the user id, and the name it had when it last joined. */
export interface Member {
  readonly userId: string;
  readonly name: string;
}

/** A room as one user sees it in a list. */
export interface RoomListing extends RoomRecord {
  /** The user's read marker: 0 when none. */
  readonly readOffset: number;
  /**
   * Events of kind 'message' above the read marker whose author is someone else, among the
   * room's latest UNREAD_WINDOW events, at most UNREAD_CAP (src/shared/unread.ts).
   */
  readonly unread: number;
  /** Of those, the ones that mention the user (src/store/mentions.ts), unless deleted since; capped the same way. */
  readonly mentions: number;
  readonly member: boolean;
  /** Direct rooms: both participants. Empty for public rooms. */
  readonly participants: readonly Member[];
}

/** The longest public room name, and the largest page of the room directory: the contract's. */
export { MAX_DIRECTORY_PAGE, MAX_ROOM_NAME_LENGTH } from '../shared/protocol/rooms.js';

/**
 * The most member rooms `listRooms` returns (besides `general`): the handshake's
 * `auth.rooms` re-follows at most as many, so a longer list would name rooms no tab can follow.
 */
export const MAX_LISTED_ROOMS = 1000;

/** One public room as the directory shows it: no per-user state, so no per-user cost. */
export interface DirectoryEntry {
  readonly id: number;
  readonly name: string;
  /** How many users are members now. */
  readonly members: number;
  /** The room's highest offset: where a client that joins from the directory starts following. */
  readonly head: number;
}

/** What one page of the directory asks for. */
export interface DirectoryQuery {
  /** Only rooms whose name starts with this, ignoring letter case; absent: every public room. */
  readonly prefix?: string;
  /** The id of the last room of the previous page (its `next`); absent: the first page. */
  readonly after?: number;
  /** 1 to MAX_DIRECTORY_PAGE. */
  readonly limit: number;
}

/**
 * The bounds of a name prefix for both backends' directory ranges: in byte order (UTF-8,
 * SQLite's BINARY and PostgreSQL's "C" collation) every string that starts with `prefix`
 * sorts in [lo, hi), U+10FFFF being the highest code point.
 */
export const prefixRange = (prefix: string): { lo: string; hi: string } => ({ lo: prefix, hi: `${prefix}\u{10FFFF}` });

/** One page of the directory. */
export interface DirectoryPage {
  readonly rooms: readonly DirectoryEntry[];
  /** Pass as `after` for the next page; null on the last page. */
  readonly next: number | null;
}

/** The name a direct room between two users has, whoever opens it. */
export function directRoomName(userA: string, userB: string): string {
  const [first, second] = [userA, userB].sort();
  return `dm:${first}:${second}`;
}

export interface RoomStore {
  /** Creates a public room with `creator` as its first member; undefined when the name is taken. */
  createRoom(name: string, creator: Member): Promise<RoomRecord | undefined>;
  /**
   * The direct room of two users, created on first use, with both as members (again, if
   * one had left). Safe when both open it at once: one room results.
   */
  openDirectRoom(opener: Member, other: Member): Promise<RoomRecord>;
  /** The room with this id, if it exists. */
  roomById(roomId: number): Promise<RoomRecord | undefined>;
  /** Makes `member` a member (updating its name); true when it was not one before. */
  addMember(roomId: number, member: Member): Promise<boolean>;
  /** Ends a membership; true when there was one. The read marker is kept. */
  removeMember(roomId: number, userId: string): Promise<boolean>;
  isMember(roomId: number, userId: string): Promise<boolean>;
  /** The rooms `userId` is a member of, by id. */
  memberRoomIds(userId: string): Promise<number[]>;
  /** The name this user had when last seen joining any room, if ever. */
  knownUserName(userId: string): Promise<string | undefined>;
  /**
   * The rooms `userId` is a member of, public and direct (the newest MAX_LISTED_ROOMS of
   * them), and `general` whether a member or not (every page starts there), by id. Its
   * cost grows with the user's memberships, never with the number of rooms.
   */
  listRooms(userId: string): Promise<RoomListing[]>;
  /**
   * One page of the public rooms, ordered by name ignoring letter case (then by id), each
   * page an index range scan whatever the number of rooms. Direct rooms never appear.
   * Letter case is folded by the database's `lower()`: ASCII letters on SQLite, every
   * letter on PostgreSQL. Undefined when `after` names no public room.
   */
  directory(query: DirectoryQuery): Promise<DirectoryPage | undefined>;
  /** One room as `userId` sees it; undefined when it does not exist. */
  roomListing(roomId: number, userId: string): Promise<RoomListing | undefined>;
  /** Up to `limit` events with offset < `beforeOffset`, the newest of them, in offset order. */
  messagesBefore(roomId: number, beforeOffset: number, limit: number): Promise<StoredMessage[]>;
  /** The event of kind 'message' at `offset`, unless a deletion of it is stored. */
  liveMessage(roomId: number, offset: number): Promise<StoredMessage | undefined>;
  /**
   * Moves the user's read marker to `offset` unless it is already at or above it (markers
   * never move backwards); resolves with the marker after the move.
   */
  markRead(roomId: number, userId: string, offset: number): Promise<number>;
  /**
   * Read receipts: the members of a room with their read markers, each saying whether they
   * send receipts; undefined when the room has more than `maxMembers` members (receipts are
   * for small rooms: the answer reads at most `maxMembers + 1` members).
   */
  readers(roomId: number, maxMembers: number): Promise<Reader[] | undefined>;
  /** Whether the user sends read receipts: true unless they turned them off. */
  sendsReceipts(userId: string): Promise<boolean>;
  /** Turns the user's read receipts on or off (off: their marker is shown to no one, and they see no one's). */
  setReceipts(userId: string, enabled: boolean): Promise<void>;
}

/** A member of a room as read receipts see them. */
export interface Reader {
  readonly userId: string;
  readonly name: string;
  /** Their read marker: 0 when none. */
  readonly readOffset: number;
  readonly sendsReceipts: boolean;
}
