import { browserSessionOf } from '../auth/session-cookie.js';
import type { Store } from '../store/store.js';
import type { ParleySocket } from '../types.js';
import type { Session } from '../shared/events.js';
import type { Account } from '../store/accounts.js';
import { SESSION_TTL_MS } from './session-ttl.js';
import { accountUser, type Identities } from './identities.js';
import { hashSecret, newSessionToken } from './secrets.js';

/**
 * Signs the requesting connection in to `account`: a new session token (only its hash is
 * stored), the browser session bound to it so every tab and reconnect of this browser is
 * the account, the guest's name freed, and every tab told with `session:user`.
 */
export async function signIn(socket: ParleySocket, store: Store, identities: Identities, account: Account): Promise<Session> {
  const token = newSessionToken();
  const session = hashSecret(token);
  const browserSession = browserSessionOf(socket.request);
  const now = Date.now();
  await store.createSession(
    { tokenHash: session, accountId: account.id, expiresAt: now + SESSION_TTL_MS, browserHash: browserSession && hashSecret(browserSession) },
    now,
  );
  const previous = socket.data.user;
  const user = accountUser(account);
  identities.change(socket, browserSession, { user, session });
  if (previous.kind === 'guest') await identities.guestNames.release(previous.id);
  return { user, token };
}
