/**
 * The mentions part of the storage seam: who a message names (`@name`, src/shared/mentions.ts),
 * kept as rows of their own so that a room listing counts a user's unread mentions with an
 * index range, and the names `@` completes from: the room's members.
 */
import type { Member } from './rooms.js';

/** The most members one completion returns: the contract's. */
export { MAX_MEMBER_MATCHES } from '../shared/protocol/rooms.js';

export interface MentionStore {
  /**
   * Records that message `offset` of `roomId` mentions each member of the room whose name,
   * in lower case, is in `names` (the author excepted). Idempotent: a retried message records
   * nothing twice, and nothing at all once the message was deleted. Resolves with the user
   * ids recorded as mentioned.
   */
  recordMentions(roomId: number, offset: number, names: readonly string[], authorId: string | null): Promise<string[]>;
  /**
   * Up to `limit` members of a room whose name starts with `prefix` (letter case ignored;
   * an empty prefix matches all), by name: a range of an index of the room's members by
   * name, never a walk of them all.
   */
  membersByPrefix(roomId: number, prefix: string, limit: number): Promise<Member[]>;
  /** The user goes by a new name: every membership of theirs says it, for completions and mentions. */
  renameMember(userId: string, name: string): Promise<void>;
}
