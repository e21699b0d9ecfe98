// The one message type: as the store keeps it (StoredMessage), and as it travels between
// the servers of a deployment (MessageEnvelope, the same message with its sender's socket).
// Here, below both the store and delivery, so that neither imports the other for it.

/**
 * What a room event is: a message; an edit or deletion of an earlier message; a user
 * adding (`react`) or taking back (`unreact`) an emoji reaction to one (its text is the
 * emoji); a thread reply sent "also to the room" (`share`, its target the reply, its text
 * empty): the room shows that reply in its log as well; or a user pinning (`pin`) or
 * unpinning (`unpin`) a message of the room (its text empty): the latest of them decides.
 */
export type EventKind = 'message' | 'edit' | 'delete' | 'react' | 'unreact' | 'share' | 'pin' | 'unpin';

/**
 * Whose change erased an event's text, and when: the deletion of a message (which erases the
 * message, its edits and its reactions), or, for an edit, the newer edit of the same
 * message that replaced it. The event stays at its offset as a tombstone with empty text.
 */
export interface Redaction {
  /** The name of whoever deleted (or edited again), as their event was stored. */
  readonly by: string;
  /** Their user id; null for rows older than user ids. */
  readonly byId: string | null;
  /** Milliseconds since the epoch: when the deleting (or replacing) event was stored. */
  readonly at: number;
}

/**
 * A file attached to a message, as the message row keeps it (src/files/): the file's id and
 * what its upload recorded. Its address, and its thumbnail's, follow from the id.
 */
export interface AttachedFile {
  readonly id: string;
  readonly name: string;
  /** Read from the bytes at upload (src/files/sniff.ts). */
  readonly type: string;
  readonly size: number;
}

/** A message as stored: its offset is its position in its room's history. */
export interface StoredMessage {
  readonly roomId: number;
  /** 1, 2, 3, … per room: gap-free, assigned in the transaction that stores the message. */
  readonly offset: number;
  readonly author: string;
  readonly text: string;
  /** Milliseconds since the epoch, from the server that stored it. */
  readonly createdAt: number;
  /** 'message' for everything the tutorial's event stores. */
  readonly kind: EventKind;
  /**
   * The offset of the message an edit, deletion or reaction is about; for a message, the root
   * of the thread it replies in (src/threads/), null for a message of the room itself.
   */
  readonly target: number | null;
  /** The author's user id (`socket.data.user.id`); null for rows older than user ids. */
  readonly authorId: string | null;
  /** The sender's `clientId` (room protocol), so its tabs can match the event. */
  readonly clientId: string | null;
  /**
   * Set when the text was erased (see Redaction): `text` is then empty. A message's text is
   * always what it reads now: an edit rewrites it, so no read serves an earlier text.
   * Absent on events just stored (nothing has erased them yet).
   */
  readonly redacted?: Redaction | null;
  /**
   * The files attached to a message (at most 10, in the order sent), linked in the append's
   * own transaction (see FileMetaStore.claim). Absent when it has none; dropped when the
   * message is deleted (its files are deleted with it).
   */
  readonly attachments?: readonly AttachedFile[];
}

/**
 * A stored message as it travels between the servers of a deployment (`message:stored`):
 * the message itself, and the socket that sent it when the sender's server announces it.
 */
export interface MessageEnvelope extends StoredMessage {
  /**
   * The socket that sent it through the room protocol: it has its acknowledgement, so the
   * live broadcast leaves it out (`except`). Not stored: catch-up reads lack it.
   */
  readonly origin?: string;
}

/** Whether a stored event is a thread reply: a message that names its root. */
export const isReply = (message: Pick<StoredMessage, 'kind' | 'target'>): boolean =>
  (message.kind ?? 'message') === 'message' && message.target !== null && message.target !== undefined;
