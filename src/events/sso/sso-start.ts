import { ok } from '../../shared/errors.js';
import { ssoStartSchema } from '../../shared/protocol/sso.js';
import { defineEvent } from '../kit.js';
import { NOT_CONFIGURED, signInRefusal } from './sign-in-refusal.js';

/**
 * `sso:start` (single sign-on doorway only: `GET /auth/oidc/start`): a new sign-in flow
 * (src/sso/single-sign-on.ts) and where the browser goes for it; the doorway sets the flow
 * cookie and redirects. Priced per address (`sso.address`): every start is a stored flow.
 */
export const ssoStart = defineEvent({
  schema: ssoStartSchema,
  price: ['sso.address'],
  access: 'visitor',
  handle: async ({ address, services: { sso, log } }) => {
    if (!sso) return NOT_CONFIGURED;
    try {
      return ok(await sso.start());
    } catch (error) {
      const refusal = signInRefusal(error, log, address);
      if (refusal) return refusal;
      throw error;
    }
  },
});
