import { hashPassword } from '../../accounts/passwords.js';
import { signIn } from '../../accounts/sign-in.js';
import { ok } from '../../shared/errors.js';
import { defineEvent } from '../kit.js';
import { credentialsSchema } from './credentials.js';

/**
 * `account:register` ({ username, password }): creates the account (the name must be free
 * among accounts and online guests; a guest may register its own nickname) and signs this
 * browser session in. Answers the user and a session token. Each costs an scrypt hash, so
 * it is priced per connection and per address, and accounts per address are capped.
 */
export const register = defineEvent({
  schema: credentialsSchema,
  price: ['password.connection', 'password.address', 'register.address'],
  access: 'anyone',
  handle: async ({ input: { username, password }, socket, services: { store, identities, log } }) => {
    const guest = socket.data.user.kind === 'guest' ? socket.data.user.id : undefined;
    const account = await store.createAccount({ username, passwordHash: await hashPassword(password), guest }, Date.now());
    log.info({ socketId: socket.id, accountId: account.id }, 'account registered');
    return ok(await signIn(socket, store, identities, account));
  },
});
