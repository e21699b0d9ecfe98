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
