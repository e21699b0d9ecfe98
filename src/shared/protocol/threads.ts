import { z } from 'zod';
import type { Call } from './call.js';
import { offsetSchema, roomIdSchema } from './fields.js';
import type { RoomEvent } from './messages.js';

export type { ThreadSummary } from './messages.js';

/** One thread of `thread:list`: a thread the user follows. */
export interface FollowedThread {
  readonly roomId: number;
  readonly roomName: string;
  /** The root, as it reads now. */
  readonly root: RoomEvent;
  readonly replies: number;
  readonly lastReplyOffset: number;
  readonly lastReplyAt: number;
  readonly readOffset: number;
  /** Replies above the user's thread read marker written by someone else. */
  readonly unread: number;
  /** Of those, the ones that mention the user. */
  readonly mentions: number;
}

/** A thread as `thread:open` answers it. */
export interface ThreadView {
  readonly root: RoomEvent;
  /** In offset order, tombstones included. */
  readonly replies: readonly RoomEvent[];
  /** True when more replies follow the last one returned (ask again with `after`). */
  readonly more: boolean;
  /** The user's thread read marker (0 when not following). */
  readonly readOffset: number;
}

/** The most replies one `thread:open` page holds. */
export const MAX_THREAD_PAGE = 200;
/** The most threads `thread:list` returns. */
export const MAX_FOLLOWED_THREADS = 100;

export const threadOpenSchema = z.object({
  roomId: roomIdSchema,
  root: offsetSchema.min(1),
  /** Replies above this offset; 0: from the first. */
  after: offsetSchema.default(0),
  limit: z.number().int().min(1).max(MAX_THREAD_PAGE).default(100),
});

export const threadListSchema = z.union([z.object({}), z.undefined(), z.null()]);

export const threadReadSchema = z.object({ roomId: roomIdSchema, root: offsetSchema.min(1), offset: offsetSchema });

/** The thread calls of the room protocol. Replies themselves are sent with `message:send` and `replyTo`. */
export interface ThreadCalls {
  /** A thread of a room the user is a member of: its root and replies. */
  'thread:open': Call<typeof threadOpenSchema, ThreadView>;
  /** The threads the user follows, with unread and mention counts. */
  'thread:list': Call<typeof threadListSchema, FollowedThread[]>;
  /** Move the user's read marker of a thread they follow; never backwards. */
  'thread:read': Call<typeof threadReadSchema, { readonly readOffset: number }>;
}
