import { z } from 'zod';
import { accountUser, type Identities, type Identity } from '../accounts/identities.js';
import { hashSecret } from '../accounts/secrets.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import type { ParleyServer } from '../types.js';
import { browserSessionOf } from './session-cookie.js';

/** `auth.token`: a session token from account:login or account:register; absent (or null) for none. */
const tokenSchema = z.union([z.string().min(1).max(256), z.null(), z.undefined()]);

/**
 * Who is this socket, after identifySockets: the account of `auth.token` (a bad or
 * expired token is refused with a reason), else the account the browser session (cookie)
 * is signed in to, else a guest with a unique nickname; a banned user is refused with the
 * ban's reason. Runs on recovered connections too, so neither a session ended nor a ban
 * imposed while a tab was away is undone by connection state recovery.
 */
/**
 * Why a user may not connect now (a ban: src/moderation/), as the error the handshake is
 * refused with; undefined when they may.
 */
export type ConnectionRefusal = (userId: string) => Error | undefined;

export function authenticateSockets(io: ParleyServer, store: Store, identities: Identities, refusal: ConnectionRefusal, log: Logger): void {
  io.use((socket, next) => {
    const token = tokenSchema.safeParse(socket.handshake.auth['token']);
    if (!token.success) {
      next(new Error('invalid handshake: auth.token must be a string'));
      return;
    }
    const browserSession = browserSessionOf(socket.request);
    identify(store, identities, token.data ?? undefined, browserSession, socket.data.senderKey).then(
      (identity) => {
        if (!identity) return next(new Error('invalid or expired session token; sign in again'));
        const refused = refusal(identity.user.id);
        if (refused) {
          log.info({ socketId: socket.id, userId: identity.user.id, recovered: socket.recovered }, 'banned user refused');
          return next(refused);
        }
        identities.assign(socket, identity);
        next();
      },
      (error: unknown) => {
        log.warn({ err: error, socketId: socket.id }, 'identity not resolved; connection refused');
        next(new Error('server unavailable; try again'));
      },
    );
  });
  io.on('connection', (socket) => identities.track(socket, browserSessionOf(socket.request)));
}

/** The identity of a handshake; undefined when it presented a token that is not valid. */
async function identify(
  store: Store,
  identities: Identities,
  token: string | undefined,
  browserSession: string | undefined,
  senderKey: string,
): Promise<Identity | undefined> {
  const now = Date.now();
  if (token !== undefined) {
    const session = hashSecret(token);
    const account = await store.accounts.accountBySession(session, now);
    return account && { user: accountUser(account), session };
  }
  if (browserSession !== undefined) {
    const bound = await store.accounts.accountByBrowser(hashSecret(browserSession), now);
    if (bound) return { user: accountUser(bound.account), session: bound.tokenHash };
  }
  return identities.guest(senderKey);
}
