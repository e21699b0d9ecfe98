/**
 * The closed list of error codes an acknowledgement can carry. Clients switch on `error`;
 * `message` is for people and may change.
 */
export const ErrorCode = {
  /** The payload has the wrong shape or type. Retrying the same payload cannot succeed. */
  INVALID_PAYLOAD: 'INVALID_PAYLOAD',
  /** The text is longer than the server accepts. */
  MESSAGE_TOO_LONG: 'MESSAGE_TOO_LONG',
  /** The server has no such event. */
  UNKNOWN_EVENT: 'UNKNOWN_EVENT',
  /** The room does not exist. */
  UNKNOWN_ROOM: 'UNKNOWN_ROOM',
  /** The user is not a member of the room, or this connection does not follow it (room:join first). */
  NOT_MEMBER: 'NOT_MEMBER',
  /** Only a message's author may edit or delete it. */
  NOT_AUTHOR: 'NOT_AUTHOR',
  /** A public room with this name exists already. */
  ROOM_EXISTS: 'ROOM_EXISTS',
  /** No such user is online or known (dm:open). */
  UNKNOWN_USER: 'UNKNOWN_USER',
  /** The edited or deleted offset is not a message of the room, or that message was deleted. */
  UNKNOWN_MESSAGE: 'UNKNOWN_MESSAGE',
  /**
   * The request's `epoch` is not the room's: its history was replaced (a backup restored)
   * and the offsets the client holds name other events. Reload the room (`room:list`, then
   * `room:join` with the new epoch); retrying the same request cannot succeed.
   */
  EPOCH_CHANGED: 'EPOCH_CHANGED',
  /** The name is an account's, or a guest's who is online, in any letter case. */
  NAME_TAKEN: 'NAME_TAKEN',
  /** Unknown username or wrong password (deliberately not saying which). */
  INVALID_CREDENTIALS: 'INVALID_CREDENTIALS',
  /** The event needs a signed-in account (e.g. account:logout on a guest connection). */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** The event is for guests (guest:nickname) and this connection is signed in to an account. */
  ALREADY_SIGNED_IN: 'ALREADY_SIGNED_IN',
  /** The user's role does not allow this (moderation), or its target outranks them. */
  FORBIDDEN: 'FORBIDDEN',
  /** The account is banned (account:login); a banned user's handshake is refused with `data.code` BANNED. */
  BANNED: 'BANNED',
  /** A moderator muted the user in this room: messages, edits and deletions there are refused. */
  MUTED: 'MUTED',
  /** An upload larger than PARLEY_FILES_MAX_BYTES. */
  FILE_TOO_LARGE: 'FILE_TOO_LARGE',
  /** An upload that would take its user past PARLEY_FILES_QUOTA_BYTES: delete older files first. */
  QUOTA_EXCEEDED: 'QUOTA_EXCEEDED',
  /** The room has as many pinned messages as it may hold (MAX_PINS): unpin one first. */
  PIN_LIMIT: 'PIN_LIMIT',
  /** The message to unpin is not pinned (or was deleted, which unpins it). */
  NOT_PINNED: 'NOT_PINNED',
  /**
   * A message's `attachments` name a file that is not the sender's own upload to that room,
   * or is attached to another message already, or is no more (the message says which).
   */
  FILE_REFUSED: 'FILE_REFUSED',
  /** A single sign-on the caller cannot finish as it stands (no started flow, a forged state, a refused code): start again. */
  SIGN_IN_REFUSED: 'SIGN_IN_REFUSED',
  /** The single sign-on provider is unreachable or failed; try again in a moment. */
  PROVIDER_UNAVAILABLE: 'PROVIDER_UNAVAILABLE',
  /** The connection sent faster than its rate limit allows; wait and retry. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** Storage is busy or down; the same request may succeed later. */
  UNAVAILABLE: 'UNAVAILABLE',
  /** Something unexpected; the server logged it with context. */
  INTERNAL: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** What every acknowledgement carries: a result, never a thrown error. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorCode; message: string };

export const ok = <T>(data: T): Ack<T> => ({ ok: true, data });

export const fail = (error: ErrorCode, message: string): Ack<never> => ({ ok: false, error, message });
