/**
 * The files part of the storage seam: what Parley knows about each uploaded file (the bytes
 * live in a FileStore, src/files/), kept in the database so that every node agrees on it,
 * and the message each one is attached to.
 *
 * Attaching is two steps, so that the append itself stays one statement per batch: `claim`
 * marks the files with the message's idempotency key (refusing files that are not the
 * sender's, of another room, or attached to another message), then the append of a draft
 * with that key links them in its own transaction (a trigger on `messages`, in both
 * backends): the message row gets their list, each file its message's offset. A retry of the
 * same message claims the same files again and is not refused.
 */

import type { AttachedFile } from '../shared/message.js';

/** What Parley keeps about one uploaded file besides its bytes. */
export interface FileRecord extends AttachedFile {
  /** The room whose readers may fetch it. */
  readonly roomId: number;
  /** Who uploaded it (`a:<id>`): the quota counts against them, and only they may attach it. */
  readonly ownerId: string;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  /** The offset of the message it is attached to; null until attached. */
  readonly messageOffset: number | null;
}

/** Why a claim was refused, in words a sender can act on. */
export interface ClaimRefusal {
  readonly refused: string;
}

/** What `claim` is asked: every id must be an upload of `ownerId` to `roomId`, not attached elsewhere. */
export interface ClaimRequest {
  readonly roomId: number;
  readonly ownerId: string;
  /** In the order the message shows them; no repeats. */
  readonly ids: readonly string[];
  /** The idempotency key of the draft that will carry them. */
  readonly key: string;
}

export interface FileMetaStore {
  /** Records a file just uploaded (not attached). */
  addFile(file: Omit<FileRecord, 'messageOffset'>): Promise<void>;
  /** The file, or undefined when there is no such file (or it was deleted). */
  file(id: string): Promise<FileRecord | undefined>;
  /** The bytes `ownerId` stores now, over every room: what the quota compares. */
  usage(ownerId: string): Promise<number>;
  /**
   * Marks every file of `request.ids` as claimed by `request.key`, all or none: the files in
   * the order asked, or why not (no such file, someone else's, another room's, already
   * attached to another message). Claiming files already claimed by the same key (a retry)
   * succeeds; a claim by another key of the same owner that never became a message is taken over.
   */
  claim(request: ClaimRequest): Promise<AttachedFile[] | ClaimRefusal>;
  /**
   * Forgets the files attached to message `offset` of `roomId` and drops the message's list
   * of them; answers their ids, whose bytes the caller deletes. Nothing attached: [].
   */
  detach(roomId: number, offset: number): Promise<string[]>;
  /** Up to `limit` ids of files never attached and created before `before`, oldest first. */
  unattached(before: number, limit: number): Promise<string[]>;
  /** Up to `limit` files `ownerId` uploaded, over every room, oldest first (their data export lists them). */
  owned(ownerId: string, limit: number): Promise<FileRecord[]>;
  /** Up to `limit` files attached to messages of `roomId`, in message order (a room's export lists them). */
  inRoom(roomId: number, limit: number): Promise<FileRecord[]>;
  /** Forgets one file's metadata (its bytes are the caller's). No such file is no error. */
  removeFile(id: string): Promise<void>;
}
