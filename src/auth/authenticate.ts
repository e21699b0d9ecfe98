import { accountUser, type Identities, type Identity } from '../accounts/identities.js';
import { BOT_TOKEN_PREFIX, type Bots } from '../integrations/bots.js';
import { hashSecret } from '../secrets.js';
import type { Store } from '../store/store.js';

/**
 * Why a user may not connect now (a ban: src/moderation/), as the error the handshake is
 * refused with; undefined when they may.
 */
export type ConnectionRefusal = (userId: string) => Error | undefined;

/**
 * Who a handshake is (src/connections/lifecycle.ts, step 4): the account of `token`, or the
 * bot when it is a bot token (a bad, expired or revoked token: undefined, refused with a
 * reason), else the account the browser session (cookie) is signed in to, else a guest with
 * a unique nickname.
 *
 * `newVisitor`: nothing can be stored under this connection's keys yet, because its browser
 * session, if any, was issued in this very handshake's answer (it carried no cookie) and its
 * socket id was issued just now (not restored by connection state recovery). No account is
 * bound to such a session and no guest name leased to it, so it is a guest with its
 * automatic name, found without reading the store: a connection that only reads costs
 * no store access at all.
 */
export async function identify(
  store: Store,
  identities: Identities,
  bots: Bots,
  token: string | undefined,
  browserSession: string | undefined,
  senderKey: string,
  newVisitor: boolean,
): Promise<Identity | undefined> {
  const now = Date.now();
  if (token?.startsWith(BOT_TOKEN_PREFIX)) {
    const bot = await bots.byToken(token);
    return bot && { user: bot, session: undefined };
  }
  if (token !== undefined) {
    const session = hashSecret(token);
    const account = await store.accounts.accountBySession(session, now);
    return account && { user: accountUser(account), session };
  }
  if (newVisitor) return identities.newGuest(senderKey);
  if (browserSession !== undefined) {
    const bound = await store.accounts.accountByBrowser(hashSecret(browserSession), now);
    if (bound) return { user: accountUser(bound.account), session: bound.tokenHash };
  }
  return identities.guest(senderKey);
}
