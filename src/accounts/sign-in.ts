import type { Store } from '../store/store.js';
import type { ParleySocket } from '../types.js';
import type { Session } from '../shared/events.js';
import type { Account } from '../store/accounts.js';
import { SESSION_TTL_MS } from './session-ttl.js';
import { EXCHANGE_TTL_MS } from './session-cookies.js';
import { accountUser, type Identities } from './identities.js';
import { hashSecret, newSessionToken } from '../secrets.js';

/**
 * Signs the requesting connection in to `account`: a new session token (only its hash is
 * stored) and a NEW browser session id bound to it, never the id the browser holds now:
 * that one may have been planted by someone else (session fixation), and every holder of
 * it would become the account. The answer carries a one-minute exchange code for the new
 * id, which the page trades for its cookie at `POST /session`, once; the browser's other tabs
 * and reconnects are the account once they present that cookie (or the token). Only this
 * connection changes now, and it is told with `session:user`; the guest's name is freed.
 */
export async function signIn(socket: ParleySocket, store: Store, identities: Identities, account: Account): Promise<Session> {
  const token = newSessionToken();
  const session = hashSecret(token);
  const browserSession = identities.cookies.issue();
  const now = Date.now();
  const exchangeUntil = now + EXCHANGE_TTL_MS;
  await store.accounts.createSession(
    { tokenHash: session, accountId: account.id, expiresAt: now + SESSION_TTL_MS, browserHash: hashSecret(browserSession), exchangeUntil },
    now,
  );
  const previous = socket.data.user;
  const user = accountUser(account);
  identities.change(socket, undefined, { user, session });
  if (previous.kind === 'guest') await identities.guestNames.release(previous.id);
  return { user, token, exchange: identities.cookies.exchangeCode(browserSession, exchangeUntil) };
}
