import { z } from 'zod';
import type { PublicUser } from './accounts.js';
import type { Call } from './call.js';
import { epochSchema, offsetSchema, roomIdSchema, storable, storableString } from './fields.js';

/** A room as listed to a user. Offsets are per room; `readOffset` is the user's read marker. */
export interface RoomSummary {
  readonly id: number;
  /** Public rooms: their unique name. Direct rooms: `dm:<userId>:<userId>`. */
  readonly name: string;
  readonly kind: 'public' | 'direct';
  /** Direct rooms: the two participants. */
  readonly participants?: readonly PublicUser[];
  /** The highest offset in the room. */
  readonly head: number;
  /** The user's read marker: every event at or below it has been read. */
  readonly readOffset: number;
  /**
   * Messages (not edits or deletions) above the read marker, not written by the user,
   * counted among the room's latest 2,000 events and at most 1,000 (src/shared/unread.ts).
   */
  readonly unread: number;
  /** Of those, the ones that mention the user (`@name`), unless deleted since. */
  readonly mentions: number;
  /** Whether the user is a member (follows the room). */
  readonly member: boolean;
  /**
   * The epoch of the room's history: offsets (`head`, `readOffset`, every event's) name
   * events within it only. It changes when the history is replaced (a backup restored);
   * a client keeps it beside its offsets and presents it with them (`auth.epochs`, and
   * `epoch` in `room:join`, `history:before`, `read:mark` and the message events).
   */
  readonly epoch: string;
  /** Public rooms: the topic its members set (`/topic`, `room:topic`); absent when none. */
  readonly topic?: string;
}

/** A public room as the directory lists it: the same for every user. */
export interface DirectoryRoom {
  readonly id: number;
  readonly name: string;
  /** How many users are members. */
  readonly members: number;
  /** The room's highest offset: join with it as `after` to follow from now on. */
  readonly head: number;
  /** The epoch `head` belongs to (see RoomSummary.epoch). */
  readonly epoch: string;
}

/** One page of the room directory. */
export interface RoomDirectoryPage {
  /** Ordered by name, letter case ignored (then by id). */
  readonly rooms: readonly DirectoryRoom[];
  /** An opaque cursor: send it as `after` for the next page; null on the last page. */
  readonly next: string | null;
}

/** The longest public room name. */
export const MAX_ROOM_NAME_LENGTH = 64;
/** The largest page of the room directory. */
export const MAX_DIRECTORY_PAGE = 100;
/** The directory's page size when the client names none. */
const DEFAULT_DIRECTORY_PAGE = 50;
/** The most members one completion (`room:members`) returns. */
export const MAX_MEMBER_MATCHES = 20;

/** `room:list` takes nothing: `{}`, or no payload at all. */
export const roomListSchema = z.union([z.object({}), z.undefined(), z.null()]);

/**
 * A directory cursor is opaque to clients; today it is the id of the last room of the page,
 * in decimal. Anything else was not handed out by this server.
 */
const cursorSchema = z
  .string()
  .regex(/^[1-9]\d{0,9}$/, 'not a cursor of the room directory')
  .transform(Number)
  .refine((id) => id <= 2 ** 31 - 1, 'not a cursor of the room directory');

export const roomDirectorySchema = z.object({
  // A name prefix, letter case ignored; blank means every public room.
  query: z
    .string()
    .trim()
    .max(MAX_ROOM_NAME_LENGTH)
    .regex(/^[^\p{Cc}]*$/u, 'no control characters')
    .refine(storable, 'must be well-formed text')
    .optional(),
  /** The previous page's `next`. */
  after: cursorSchema.optional(),
  limit: z.number().int().min(1).max(MAX_DIRECTORY_PAGE).default(DEFAULT_DIRECTORY_PAGE),
});

export const roomCreateSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1)
    .max(MAX_ROOM_NAME_LENGTH)
    .regex(/^[^\p{Cc}]+$/u, 'no control characters')
    .refine(storable, 'must be well-formed text')
    // Direct rooms are named dm:<user>:<user>; a public room must never pose as one.
    .refine((name) => !name.toLowerCase().startsWith('dm:'), 'names starting with dm: are reserved'),
});

/** `after`: the last offset the client has of the room (absent: 0, everything). */
export const roomJoinSchema = z.object({ roomId: roomIdSchema, after: offsetSchema.optional(), epoch: epochSchema.optional() });

export const roomLeaveSchema = z.object({ roomId: roomIdSchema });

export const roomMembersSchema = z.object({
  roomId: roomIdSchema,
  // A name's start: names hold letters, digits, _ . and - (./accounts.ts).
  prefix: z
    .string()
    .max(32)
    .regex(/^[\p{L}\p{N}_.-]*$/u, 'a name holds only letters, digits, _ . and -')
    .default(''),
  limit: z.number().int().min(1).max(MAX_MEMBER_MATCHES).default(8),
});

/** The other user of the direct room. */
export const dmOpenSchema = z.object({ userId: storableString(1, 200) });

/** The room calls: their payloads and answers. */
export interface RoomCalls {
  /** The user's own rooms (public and direct) and `general`, with unread counts. */
  'room:list': Call<typeof roomListSchema, RoomSummary[]>;
  /**
   * One page of the public rooms by name: `query` a name prefix (letter case ignored),
   * `after` the previous page's `next`, `limit` 1–100 (50).
   */
  'room:directory': Call<typeof roomDirectorySchema, RoomDirectoryPage>;
  /** Create a public room and join it. */
  'room:create': Call<typeof roomCreateSchema, RoomSummary>;
  /**
   * Join (or re-follow after a reconnect) a room: the server sends every event above
   * `after` once, in order, then the live stream.
   */
  'room:join': Call<typeof roomJoinSchema, RoomSummary>;
  /** Leave a room: membership ends, its events stop. */
  'room:leave': Call<typeof roomLeaveSchema, null>;
  /**
   * Members of a room whose name starts with `prefix`, by name, letter case ignored: what
   * `@` completes from. Members of the room only.
   */
  'room:members': Call<typeof roomMembersSchema, PublicUser[]>;
  /** Open (or find) the direct room with another user and join it. */
  'dm:open': Call<typeof dmOpenSchema, RoomSummary>;
}

/** What the server pushes about rooms: each event's arguments. */
export interface RoomPushes {
  /** A room appeared for this user (created, joined in another tab, a DM opened to them). */
  'room:added': [room: RoomSummary];
  /** A public room was created (to connections that asked `room:directory`, on every server). */
  'room:created': [room: DirectoryRoom];
  /**
   * The epoch this connection presented for a room (`auth.epochs` of its handshake) is not
   * the history's: the history was replaced (a backup restored), and the offsets this client
   * holds name other events, or none. The room is not followed: the client drops what it
   * shows of it and joins again with the new summary's epoch and head (older history from
   * `history:before`). A request that presents an old `epoch` is refused with EPOCH_CHANGED.
   */
  'room:reset': [room: RoomSummary];
  /** This user left a room (in another tab, or was removed). */
  'room:removed': [roomId: number];
  /** A read marker moved (in another tab). */
  'room:read': [room: RoomSummary];
}
