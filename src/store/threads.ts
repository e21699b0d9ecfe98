/**
 * The threads part of the storage seam. A reply is a message of its room (kind 'message')
 * whose `target` is the offset of its thread's root, so it is stored, delivered, caught up,
 * searched, edited, deleted and mentioned exactly as every message is; this part keeps what
 * only threads need: who follows which thread (its repliers, its root's author, the people
 * its replies mention), how far each follower has read it, and the summaries a room shows
 * under a root (reply count, repliers, last reply).
 */
import type { StoredMessage } from '../shared/message.js';
import type { ThreadSummary } from '../shared/protocol/threads.js';

export type { ThreadSummary } from '../shared/protocol/threads.js';

/** The most repliers a summary names (the most recent first). */
export const MAX_SUMMARY_REPLIERS = 5;

/** A thread as one of its followers sees it in the "Threads" view. */
export interface FollowedThreadRow {
  readonly roomId: number;
  readonly roomName: string;
  /** The root as it reads now (a tombstone when deleted). */
  readonly root: StoredMessage;
  /** Live replies, their newest offset and time (0 when none is left). */
  readonly replies: number;
  readonly lastReplyOffset: number;
  readonly lastReplyAt: number;
  /** The follower's thread read marker. */
  readonly readOffset: number;
  /** Live replies above the marker written by someone else. */
  readonly unread: number;
  /** Of those, the ones that mention the follower. */
  readonly mentions: number;
}

export interface ThreadStore {
  /**
   * Records reply `offset` of `roomId` in the thread of `root`: its author, the root's author
   * and every user the reply mentions (recorded before, see MentionStore) follow the thread,
   * and the reply's author has read it up to the reply. Idempotent: a retried reply records
   * nothing twice and never moves a marker backwards.
   */
  recordReply(roomId: number, root: number, offset: number): Promise<void>;
  /**
   * Moves `userId`'s read marker of the thread to `offset` unless it is already at or above
   * it; resolves with the marker after the move, or 0 when the user does not follow it.
   */
  markThreadRead(roomId: number, root: number, userId: string, offset: number): Promise<number>;
  /** The summaries of those of `roots` that have live replies (the others have none). */
  summaries(roomId: number, roots: readonly number[]): Promise<ThreadSummary[]>;
  /** Up to `limit` replies of the thread with offset > `afterOffset`, tombstones included, in offset order. */
  replies(roomId: number, root: number, afterOffset: number, limit: number): Promise<StoredMessage[]>;
  /** `userId`'s thread read marker; 0 when the user does not follow the thread. */
  readOffset(roomId: number, root: number, userId: string): Promise<number>;
  /** Up to `limit` threads `userId` follows in rooms they are a member of, the latest reply first. */
  followed(userId: string, limit: number): Promise<FollowedThreadRow[]>;
}
