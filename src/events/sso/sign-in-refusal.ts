import type { Logger } from '../../log.js';
import { ErrorCode, fail, type Ack } from '../../shared/errors.js';
import { providerRefusal } from '../../sso/provider-errors.js';
import { SignInRefused } from '../../sso/single-sign-on.js';

const CODE_OF_STATUS: Readonly<Record<number, ErrorCode>> = { 403: ErrorCode.BANNED, 502: ErrorCode.PROVIDER_UNAVAILABLE };

/**
 * The answer to a sign-in that went wrong by the caller's or the provider's doing: a
 * SignInRefused, or an openid-client failure (provider-errors.ts), logged with its reason.
 * Undefined: not theirs (a bug, the store), for the pipeline's one failure mapping.
 */
export function signInRefusal(error: unknown, log: Logger, address: string): Ack<never> | undefined {
  const refusal = error instanceof SignInRefused ? error.refusal : providerRefusal(error);
  if (!refusal) return undefined;
  log.warn({ address, status: refusal.status, reason: refusal.reason, err: error instanceof SignInRefused ? undefined : error }, 'OpenID Connect sign-in refused');
  return fail(CODE_OF_STATUS[refusal.status] ?? ErrorCode.SIGN_IN_REFUSED, refusal.reason);
}

/** Single sign-on is off: the doorway answers 404 before this, but the table holds the events regardless. */
export const NOT_CONFIGURED = fail(ErrorCode.UNKNOWN_EVENT, 'single sign-on is not configured on this server');
