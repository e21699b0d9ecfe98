import type { z } from 'zod';
import { ShuttingDownError } from '../delivery/append.js';
import { FileStorageUnavailableError } from '../files/file-store.js';
import type { Logger } from '../log.js';
import { LimitsUnavailableError } from '../limits/shared-counter.js';
import { ErrorCode, fail, type Ack } from '../shared/errors.js';
import type { UnavailableLog } from '../operations/unavailable-log.js';
import { NameTakenError } from '../store/accounts.js';
import { StoreUnavailableError, UnknownRoomError, UnstorableDraftError } from '../store/store.js';

/**
 * The one mapping from a failure to an acknowledgement. Known failures get their code;
 * anything else is INTERNAL and logged with context, and database text never reaches a client.
 * A failure of what the server depends on (store, limits, shutdown) is UNAVAILABLE, counted
 * and logged once per run of them (`unavailable`), never one line each.
 */
export function failureAck(error: unknown, log: Logger, context: { readonly event: string; readonly socketId?: string; readonly actor?: string }, unavailable: UnavailableLog): Ack<never> {
  if (error instanceof UnknownRoomError) return fail(ErrorCode.UNKNOWN_ROOM, 'the room does not exist');
  if (error instanceof NameTakenError) return fail(ErrorCode.NAME_TAKEN, 'that name is taken');
  // The door refuses what no backend can store; this is the store's own word on the same.
  if (error instanceof UnstorableDraftError) return fail(ErrorCode.INVALID_PAYLOAD, 'the message holds text that cannot be stored');
  if (error instanceof FileStorageUnavailableError) {
    unavailable.failed(error, context);
    return fail(ErrorCode.UNAVAILABLE, 'file storage is unavailable; try again later');
  }
  if (error instanceof StoreUnavailableError || error instanceof ShuttingDownError || error instanceof LimitsUnavailableError) {
    unavailable.failed(error, context);
    return fail(ErrorCode.UNAVAILABLE, 'the server is busy or restarting; try again');
  }
  log.error({ err: error, ...context }, 'event failed');
  return fail(ErrorCode.INTERNAL, 'internal error');
}

/** The acknowledgement for a payload its schema refused: which field, and why. */
export function invalidPayloadAck(event: string, issues: readonly z.core.$ZodIssue[]): Ack<never> {
  const issue = issues[0];
  if (!issue) return fail(ErrorCode.INVALID_PAYLOAD, `${event}: invalid payload`);
  // A text over the length limit has its own code: the client may split it, not just give up.
  if (issue.code === 'too_big' && issue.path.at(-1) === 'text') return fail(ErrorCode.MESSAGE_TOO_LONG, issue.message);
  const where = issue.path.map(String).join('.') || 'payload';
  return fail(ErrorCode.INVALID_PAYLOAD, `${event}: ${where}: ${issue.message}`);
}
