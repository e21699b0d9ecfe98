import { browserSessionOf } from '../../http/connection-facts.js';
import { ok } from '../../shared/errors.js';
import { logoutSchema } from '../../shared/protocol/accounts.js';
import { defineEvent } from '../kit.js';

/**
 * `account:logout` (no payload): ends the session (its token stops working, the browser is
 * unbound) and makes every tab of this browser session a guest again, with the guest name
 * it had before signing in if that is still free. Answers the guest user.
 */
export const logout = defineEvent({
  schema: logoutSchema,
  price: ['logout.user'],
  access: 'account',
  handle: async ({ socket, services: { store, identities, log } }) => {
    const session = socket.data.session;
    if (session !== undefined) await store.accounts.deleteSession(session);
    const guest = await identities.guest(socket.data.senderKey);
    identities.change(socket, browserSessionOf(socket), guest, session);
    log.info({ socketId: socket.id, userId: guest.user.id }, 'signed out');
    return ok(guest.user);
  },
});
