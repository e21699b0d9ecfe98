import { browserSessionOf } from '../auth/session-cookie.js';
import { splitArguments } from '../chat/arguments.js';
import type { HandlerContext } from '../chat/context.js';
import { ErrorCode, fail, ok } from '../shared/errors.js';
import type { PublicUser } from '../shared/events.js';
import { failure } from './respond.js';

/**
 * `account:logout` (no payload): ends the session (its token stops working, the browser is
 * unbound) and makes every tab of this browser session a guest again, with the guest name
 * it had before signing in if that is still free. Answers the guest user.
 */
export function logout(context: HandlerContext) {
  const { socket, store, log, identities } = context;
  return async (...args: unknown[]): Promise<void> => {
    const { respond } = splitArguments<PublicUser>(args);
    const session = socket.data.session;
    if (socket.data.user.kind !== 'account' || session === undefined) {
      return respond(fail(ErrorCode.UNAUTHENTICATED, 'this connection is not signed in'));
    }
    try {
      await store.deleteSession(session);
      const guest = await identities.guest(socket.data.senderKey);
      identities.change(socket, browserSessionOf(socket.request), guest, session);
      log.info({ socketId: socket.id, userId: guest.user.id }, 'signed out');
      respond(ok(guest.user));
    } catch (error) {
      respond(failure(error, socket, log, 'account:logout'));
    }
  };
}
