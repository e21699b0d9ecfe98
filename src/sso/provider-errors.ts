import * as oidc from 'openid-client';
import { ProviderUnavailableError } from './provider.js';

/** Why a callback was refused: the status to answer and the reason to show and log. */
export interface Refusal {
  readonly status: number;
  readonly reason: string;
}

/** Codes openid-client gives when the provider could not be reached or answered nothing usable. */
const UNREACHABLE_CODES = new Set(['OAUTH_TIMEOUT', 'OAUTH_ABORT', 'OAUTH_RESPONSE_IS_NOT_CONFORM', 'OAUTH_RESPONSE_IS_NOT_JSON']);
/** A claim of the ID token is not the one expected (nonce, issuer, audience). */
const CLAIM_MISMATCH = 'OAUTH_JWT_CLAIM_COMPARISON_FAILED';

/**
 * What an error from openid-client's code exchange means for the person signing in: the
 * provider down or unreachable is 502 (try again later); an answer that fails the checks
 * (a refused or replayed code, an ID token whose nonce, issuer, audience, signature or
 * time is wrong) or the person refusing at the provider is 400. Undefined: not the
 * provider's doing (a bug, the store), left to the caller's 500 or 503.
 */
export function providerRefusal(error: unknown): Refusal | undefined {
  if (error instanceof ProviderUnavailableError) return { status: 502, reason: 'the sign-in provider is unreachable; try again in a moment' };
  if (error instanceof oidc.AuthorizationResponseError) {
    const said = error.error_description ?? error.error;
    return { status: 400, reason: `the sign-in provider refused the sign-in: ${said}` };
  }
  if (error instanceof oidc.ResponseBodyError) {
    if (error.status >= 500) return { status: 502, reason: 'the sign-in provider failed; try again in a moment' };
    return { status: 400, reason: `the sign-in provider refused the code (${error.error}): it was used already or has expired; start again` };
  }
  // fetch's own failure (refused connection, DNS): openid-client passes it on as a TypeError.
  if (error instanceof TypeError && error.message === 'fetch failed') return { status: 502, reason: 'the sign-in provider is unreachable; try again in a moment' };
  if (error instanceof oidc.ClientError) {
    if (UNREACHABLE_CODES.has(error.code ?? '')) return { status: 502, reason: 'the sign-in provider did not answer properly; try again in a moment' };
    if (error.code === CLAIM_MISMATCH) return { status: 400, reason: 'the ID token does not belong to this sign-in (nonce, issuer or audience); start again' };
    return { status: 400, reason: `the sign-in provider's answer failed validation: ${error.message}` };
  }
  return undefined;
}
