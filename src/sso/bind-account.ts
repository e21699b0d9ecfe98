import { NameTakenError, type Account } from '../store/accounts.js';
import type { Store } from '../store/store.js';
import type { ExternalIdentity } from '../store/sso.js';
import { nameCandidates } from './claimed-name.js';

/** What a sign-in found: the account bound to the identity, and whether it was made just now. */
export interface SignedInAccount {
  readonly account: Account;
  readonly created: boolean;
}

/**
 * The account bound to `identity`, made at its first sign-in. Only (issuer, subject) finds
 * an account: the claims give a new account its name and nothing else, so a later sign-in
 * with another `preferred_username` is the same account under its first name, and a claim
 * that names a password account (or anyone else's name) gets a name of its own instead
 * (nameCandidates). The creation is in the audit log. `claims` is asked only for a new
 * account (it may ask the provider's userinfo endpoint).
 */
export async function accountFor(store: Store, identity: ExternalIdentity, claims: () => Promise<Readonly<Record<string, unknown>>>): Promise<SignedInAccount> {
  const bound = await store.sso.accountByIdentity(identity);
  if (bound) return { account: bound, created: false };
  for (const username of nameCandidates(await claims())) {
    const audit = { at: Date.now(), actorName: username, action: 'sso-account', roomId: null, detail: `${identity.issuer} ${identity.subject}` };
    try {
      return await store.sso.createBoundAccount({ ...identity, username, audit }, audit.at);
    } catch (error) {
      if (!(error instanceof NameTakenError)) throw error;
    }
  }
  throw new Error('no free name for a new single sign-on account');
}
