import { carryOverGuest } from '../../accounts/guest-carry-over.js';
import { accountUser } from '../../accounts/identities.js';
import { HashQueueFullError, hashPassword } from '../../accounts/passwords.js';
import { signIn } from '../../accounts/sign-in.js';
import { ErrorCode, fail, ok } from '../../shared/errors.js';
import { nameSchema } from '../../accounts/names.js';
import { credentialsSchema } from '../../shared/protocol/accounts.js';
import { defineEvent } from '../kit.js';
import { PASSWORDS_OFF } from './passwords-off.js';

/**
 * `account:register` ({ username, password }): creates the account (the name must be free
 * among accounts and online guests; a guest may register its own nickname) and signs this
 * browser session in. Answers the user and a session token. Each costs an scrypt hash, so
 * it is priced per connection and per address, and accounts per address are capped; when
 * this process already runs and queues as many hashes as it may, UNAVAILABLE. A guest who
 * registers keeps its public rooms and read markers (accounts/guest-carry-over.ts), taken
 * over before this connection becomes the account, so its first room list has them.
 * FORBIDDEN when PARLEY_PASSWORDS is off (accounts then come from single sign-on alone).
 */
export const register = defineEvent({
  schema: credentialsSchema(nameSchema),
  price: ['password.connection', 'password.address', 'register.address'],
  access: 'anyone',
  handle: async ({ input: { username, password }, socket, services: { store, identities, log, config } }) => {
    if (!config.passwords) return PASSWORDS_OFF;
    const guest = socket.data.user.kind === 'guest' ? socket.data.user.id : undefined;
    let passwordHash: string;
    try {
      passwordHash = await hashPassword(password);
    } catch (error) {
      if (error instanceof HashQueueFullError) return fail(ErrorCode.UNAVAILABLE, 'the server is busy; try again');
      throw error;
    }
    const account = await store.accounts.createAccount({ username, passwordHash, guest }, Date.now());
    log.info({ socketId: socket.id, accountId: account.id }, 'account registered');
    if (guest !== undefined) await carryOverGuest(store, log, guest, { userId: accountUser(account).id, name: account.username });
    return ok(await signIn(socket, store, identities, account));
  },
});
