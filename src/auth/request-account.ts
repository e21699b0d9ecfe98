import type { IncomingMessage } from 'node:http';
import { accountUser, type Identities } from '../accounts/identities.js';
import type { Config } from '../config.js';
import { originMayUseCookie } from '../http/origins.js';
import { hashSecret } from '../secrets.js';
import type { PublicUser } from '../shared/events.js';
import type { Store } from '../store/store.js';

/**
 * The account a plain HTTP request (a file, an export) speaks for: that of its
 * `Authorization: Bearer <session token>` header, else that of the browser's session cookie,
 * counted only from a page of a trusted origin (or a request without an Origin: a
 * navigation), so that another site cannot spend a visitor's cookie. Undefined: a guest.
 */
export async function accountOfRequest(
  request: IncomingMessage,
  services: { readonly store: Store; readonly identities: Identities; readonly config: Pick<Config, 'allowedOrigins' | 'trustedProxies'> },
): Promise<PublicUser | undefined> {
  const now = Date.now();
  const token = /^Bearer (\S{1,256})$/.exec(request.headers.authorization ?? '')?.[1];
  if (token !== undefined) {
    const account = await services.store.accounts.accountBySession(hashSecret(token), now);
    return account && accountUser(account);
  }
  if (!originMayUseCookie(request, services.config.allowedOrigins, services.config.trustedProxies)) return undefined;
  const session = services.identities.cookies.fromRequest(request);
  const bound = session === undefined ? undefined : await services.store.accounts.accountByBrowser(hashSecret(session), now);
  return bound && accountUser(bound.account);
}
