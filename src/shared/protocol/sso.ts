import { z } from 'zod';
import type { Call } from './call.js';

/** Where a browser starts an OpenID Connect sign-in (`GET`, a top-level navigation) and where the provider sends it back. */
export const OIDC_START_PATH = '/auth/oidc/start';
export const OIDC_CALLBACK_PATH = '/auth/oidc/callback';

/** The most query parameters a callback may carry: a provider sends a handful (code, state, iss, session_state, error…). */
const MAX_CALLBACK_PARAMETERS = 16;

/** `GET /auth/oidc/start` names nothing. */
export const ssoStartSchema = z.object({}).strict();

/**
 * `GET /auth/oidc/callback?…`: the flow id of the browser's signed flow cookie (none when it
 * carried no valid one), and the callback's query as the provider sent it, bounded.
 */
export const ssoCallbackSchema = z
  .object({
    flowId: z.string().max(64).optional(),
    query: z.record(z.string().min(1).max(64), z.string().max(4096)).refine((query) => Object.keys(query).length <= MAX_CALLBACK_PARAMETERS, {
      message: `at most ${MAX_CALLBACK_PARAMETERS} query parameters`,
    }),
  })
  .strict();

/** A started sign-in: where the browser goes next, and the flow cookie's value the doorway sets. */
export interface SsoStarted {
  readonly location: string;
  readonly flowCookie: string;
}

/** A finished sign-in: back to the page, signed in by the new browser session the doorway sets as the cookie. */
export interface SsoSignedIn {
  readonly location: string;
  readonly browserSession: string;
}

/** The single sign-on calls, over HTTP only (src/events/sso-doorway.ts): see README, "Single sign-on". */
export interface SsoCalls {
  'sso:start': Call<typeof ssoStartSchema, SsoStarted>;
  'sso:callback': Call<typeof ssoCallbackSchema, SsoSignedIn>;
}
