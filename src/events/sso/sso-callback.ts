import { ok } from '../../shared/errors.js';
import { ssoCallbackSchema } from '../../shared/protocol/sso.js';
import { defineEvent } from '../kit.js';
import { NOT_CONFIGURED, signInRefusal } from './sign-in-refusal.js';

/**
 * `sso:callback` (single sign-on doorway only: `GET /auth/oidc/callback`): finishes the flow
 * of the browser's cookie with the provider's answer (src/sso/single-sign-on.ts: state, PKCE,
 * the ID token's checks, the account bound to issuer and subject, bans), once. A refusal
 * names its reason: SIGN_IN_REFUSED (start again), BANNED, PROVIDER_UNAVAILABLE. The new
 * account's creation is audited by the store (`sso-account`); the doorway sets the new
 * browser session as the cookie and sends the browser back to the page.
 */
export const ssoCallback = defineEvent({
  schema: ssoCallbackSchema,
  price: ['sso.address'],
  access: 'visitor',
  handle: async ({ input: { flowId, query }, address, services: { sso, log } }) => {
    if (!sso) return NOT_CONFIGURED;
    try {
      const signedIn = await sso.finish(flowId, query);
      return ok({ location: '/', browserSession: signedIn.browserSession });
    } catch (error) {
      const refusal = signInRefusal(error, log, address);
      if (refusal) return refusal;
      throw error;
    }
  },
});
