/**
 * The rooms part of the storage seam: public and direct rooms, who is a member of which,
 * read markers, and the history reads the room protocol needs. Users are plain string ids
 * (`socket.data.user.id`): accounts and guests alike, with no foreign key to an accounts
 * table, so a guest can be a member too.
 */
import type { StoredMessage } from './store.js';

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
  /** Events of kind 'message' above the read marker whose author is someone else. */
  readonly unread: number;
  readonly member: boolean;
  /** Direct rooms: both participants. Empty for public rooms. */
  readonly participants: readonly Member[];
}

/** The longest public room name. */
export const MAX_ROOM_NAME_LENGTH = 64;

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
  /** Every public room and every direct room `userId` is a member of, by id. */
  listRooms(userId: string): Promise<RoomListing[]>;
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
}
