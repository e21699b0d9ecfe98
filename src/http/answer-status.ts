import { ErrorCode, type Ack } from '../shared/errors.js';

/** The HTTP status of each error code an answer may carry; any other failure is 500. */
const STATUS: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.INVALID_PAYLOAD]: 400,
  [ErrorCode.MESSAGE_TOO_LONG]: 400,
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_MEMBER]: 403,
  [ErrorCode.NOT_AUTHOR]: 403,
  [ErrorCode.MUTED]: 403,
  [ErrorCode.BANNED]: 403,
  [ErrorCode.UNKNOWN_USER]: 404,
  [ErrorCode.UNKNOWN_ROOM]: 404,
  [ErrorCode.UNKNOWN_MESSAGE]: 404,
  [ErrorCode.UNKNOWN_EVENT]: 404,
  [ErrorCode.NAME_TAKEN]: 409,
  [ErrorCode.EPOCH_CHANGED]: 409,
  [ErrorCode.PIN_LIMIT]: 409,
  [ErrorCode.NOT_PINNED]: 409,
  [ErrorCode.FILE_TOO_LARGE]: 413,
  [ErrorCode.QUOTA_EXCEEDED]: 413,
  [ErrorCode.FILE_REFUSED]: 403,
  [ErrorCode.SIGN_IN_REFUSED]: 400,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.PROVIDER_UNAVAILABLE]: 502,
  [ErrorCode.UNAVAILABLE]: 503,
};

/** The HTTP status of an answer of the pipeline, for every HTTP doorway alike. */
export const statusOf = (answer: Ack<unknown>): number => (answer.ok ? 200 : (STATUS[answer.error] ?? 500));
