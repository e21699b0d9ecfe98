import { z } from 'zod';
import type { PublicUser } from './accounts.js';
import type { Call } from './call.js';
import { clientIdSchema, epochSchema, offsetSchema, roomIdSchema, storableString, textSchema } from './fields.js';
import type { RoomSummary } from './rooms.js';
import { fileIdSchema, MAX_ATTACHMENTS, type FileInfo } from './files.js';

/** What the server acknowledges for a stored message (or edit, deletion, reaction). */
export interface SentMessage {
  /** The message's offset in its room. */
  readonly serverOffset: number;
  /** True when this was a repeat of a message already stored (a retry). */
  readonly duplicate: boolean;
}

/**
 * One entry of a room's history. Edits and deletions are events of their own, at their
 * own offsets, naming the message they change (`target`), so a client that replays the
 * history in order converges to the same state.
 */
export interface RoomEvent {
  readonly roomId: number;
  readonly offset: number;
  /**
   * `react` / `unreact`: `author` added or took back the emoji `text` on message `target`.
   * A user reacts with an emoji at most once: replayed in order, the last of their
   * react/unreact of that emoji on that message decides.
   * `pin` / `unpin`: `author` pinned or unpinned message `target` (text empty); replayed in
   * order, the latest pin/unpin of that message decides, and a deleted message is unpinned.
   */
  readonly kind: 'message' | 'edit' | 'delete' | 'react' | 'unreact' | 'share' | 'pin' | 'unpin';
  readonly author: PublicUser;
  /**
   * The text (message, edit), the emoji (react, unreact); empty for a deletion and a `share`
   * (the reply `target` was sent "also to the room": show it in the room's log too).
   */
  readonly text: string;
  /** The offset of the message an edit, deletion or reaction is about; a reply's thread root (see `thread`). */
  readonly target?: number;
  readonly createdAt: number;
  /** The sender's id for this event (`clientId` of message:send), so its tab can match it. */
  readonly clientId?: string;
  /**
   * Present on a tombstone: the event's text was erased (and `text` is empty). A message,
   * or an edit or reaction of it, whose message was deleted: `by` deleted it, at `at`. An
   * edit that a newer edit of the same message replaced: `by` wrote the newer one. Show
   * a deleted message as deleted; a tombstone edit or reaction changes nothing.
   */
  readonly redacted?: { readonly by: PublicUser; readonly at: number };
  /**
   * A message of kind 'message' with a `target` is a reply in the thread of message `target`
   * (its root, always a message without a target of its own). Present on a root in the pages
   * `history:before` and `thread:open` answer: its replies so far. Live replies that follow
   * arrive as events of their own; a client adds them to it.
   */
  readonly thread?: ThreadSummary;
  /**
   * The files attached to a message (`message:send`'s `attachments`), in the order sent;
   * absent when it has none, and on a deleted message (its files were deleted with it).
   */
  readonly attachments?: readonly FileInfo[];
}

/**
 * The tutorial's `chat message` (text, clientOffset, ack): its two arguments, parsed as one
 * object. `clientOffset` is the tutorial client's `${socket.id}-${counter}`, or nothing.
 */
export const chatMessageSchema = (maxMessageLength: number) =>
  z.object({
    text: textSchema(maxMessageLength),
    clientOffset: z.union([storableString(0, 256), z.null(), z.undefined()]),
  });

/**
 * `replyTo`: the offset of a message of the same room: the message is a reply in its thread
 * (a reply to a reply joins the thread of that reply's root: threads are one level deep).
 * `attachments`: ids of files the sender uploaded to this room (`POST /files`) and not yet
 * attached, at most 10, no repeats; with them the text may be empty.
 */
export const messageSendSchema = (maxMessageLength: number) =>
  z.object({
    roomId: roomIdSchema,
    text: z.union([z.literal(''), textSchema(maxMessageLength)]),
    attachments: z
      .array(fileIdSchema)
      .max(MAX_ATTACHMENTS, `a message carries at most ${MAX_ATTACHMENTS} files`)
      .refine((ids) => new Set(ids).size === ids.length, 'attachments must not repeat a file')
      .optional(),
    clientId: clientIdSchema,
    epoch: epochSchema.optional(),
    replyTo: offsetSchema.min(1).optional(),
    /** With `replyTo`: the reply is shown in the room's log as well (a `share` event follows it). */
    alsoToRoom: z.boolean().optional(),
  });

/** `target`: the offset of the message changed. */
export const messageEditSchema = (maxMessageLength: number) =>
  z.object({ roomId: roomIdSchema, target: offsetSchema.min(1), text: textSchema(maxMessageLength), clientId: clientIdSchema, epoch: epochSchema.optional() });

export const messageDeleteSchema = z.object({ roomId: roomIdSchema, target: offsetSchema.min(1), clientId: clientIdSchema, epoch: epochSchema.optional() });

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * One emoji: a single grapheme made of pictographs with their modifiers, variation
 * selectors, joiners and keycaps (so 👍🏽, ❤️ and 👩‍💻 pass), at most 32 UTF-16 units.
 * Words, markup and strings of several emoji do not.
 */
const emojiSchema = z
  .string()
  .min(1)
  .refine((emoji) => emoji.length <= 32, 'emoji must be one emoji')
  .regex(/^(?:\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Regional_Indicator}|\u200d|\ufe0f|\u20e3|[#*0-9])+$/u, 'emoji must be an emoji')
  .refine((emoji) => /\p{Extended_Pictographic}|\p{Regional_Indicator}/u.test(emoji), 'emoji must be an emoji')
  .refine((emoji) => [...graphemes.segment(emoji)].length === 1, 'emoji must be one emoji');

/** `on`: add the reaction (true) or take it back (false). */
export const messageReactSchema = z.object({
  roomId: roomIdSchema,
  target: offsetSchema.min(1),
  emoji: emojiSchema,
  on: z.boolean(),
  clientId: clientIdSchema,
  epoch: epochSchema.optional(),
});

/** The most events one page of history holds. */
const MAX_HISTORY_PAGE = 200;

export const historyBeforeSchema = z.object({
  roomId: roomIdSchema,
  epoch: epochSchema.optional(),
  /** Events below this offset; absent: the newest events. */
  before: offsetSchema.min(1).optional(),
  limit: z.number().int().min(1).max(MAX_HISTORY_PAGE).default(50),
});

export const readMarkSchema = z.object({ roomId: roomIdSchema, offset: offsetSchema, epoch: epochSchema.optional() });

/** The tutorial's one call, whose two arguments (text, clientOffset) the schema parses as one object. */
export interface TutorialCalls {
  /** Store `text` in the default room, then broadcast it. */
  'chat message': Call<ReturnType<typeof chatMessageSchema>, SentMessage>;
}

/** The message calls of the room protocol: their payloads and answers. */
export interface MessageCalls {
  /** Send a message (with `replyTo`, a thread reply); a repeat of `clientId` is stored once. */
  'message:send': Call<ReturnType<typeof messageSendSchema>, SentMessage>;
  /** Edit one's own message. */
  'message:edit': Call<ReturnType<typeof messageEditSchema>, SentMessage>;
  /** Delete one's own message. */
  'message:delete': Call<typeof messageDeleteSchema, SentMessage>;
  /**
   * Add or take back an emoji reaction on a message of a room the user writes in: stored as
   * a `react` / `unreact` event of the room.
   */
  'message:react': Call<typeof messageReactSchema, SentMessage>;
  /** Older history: events with offset < before, oldest first. */
  'history:before': Call<typeof historyBeforeSchema, RoomEvent[]>;
  /** Move the read marker; it never moves backwards. */
  'read:mark': Call<typeof readMarkSchema, RoomSummary>;
}

/** What the server pushes of a room's history: each event's arguments. */
export interface MessagePushes {
  /** The tutorial's event: a message of the default room and its offset there. */
  'chat message': [text: string, serverOffset: number];
  /** A room event, to every follower except the tab that sent it (which has its ack). */
  'room:event': [event: RoomEvent];
}

/**
 * What a room shows under a message with replies. A reply is an ordinary room event of kind
 * 'message' whose `target` is its root's offset (see RoomEvent); deleted replies are not counted.
 */
export interface ThreadSummary {
  /** The root's offset. */
  readonly root: number;
  readonly replies: number;
  /** The names of the latest repliers, the most recent first, at most five. */
  readonly repliers: readonly string[];
  readonly lastReplyOffset: number;
  /** Milliseconds since the epoch. */
  readonly lastReplyAt: number;
}
