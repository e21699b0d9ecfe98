import type { Logger } from '../log.js';
import { ErrorCode, fail, type Ack } from '../shared/errors.js';
import { NameTakenError } from '../store/accounts.js';
import { StoreUnavailableError } from '../store/store.js';
import type { ParleySocket } from '../types.js';

/**
 * The acknowledgement for an account request that threw: known failures get their code,
 * anything else is INTERNAL and logged; database text never reaches the client.
 */
export function failure(error: unknown, socket: ParleySocket, log: Logger, event: string): Ack<never> {
  if (error instanceof NameTakenError) return fail(ErrorCode.NAME_TAKEN, 'that name is taken');
  if (error instanceof StoreUnavailableError) {
    log.warn({ err: error, socketId: socket.id, event }, 'storage unavailable');
    return fail(ErrorCode.UNAVAILABLE, 'storage is unavailable; try again');
  }
  log.error({ err: error, socketId: socket.id, event }, 'account request failed');
  return fail(ErrorCode.INTERNAL, 'internal error');
}

/** The first issue of a failed zod parse, for people. */
export const firstIssue = (issues: readonly { path: PropertyKey[]; message: string }[]): string => {
  const issue = issues[0];
  return issue ? `${issue.path.map(String).join('.') || 'payload'}: ${issue.message}` : 'invalid payload';
};
