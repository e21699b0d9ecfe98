import { decoyHash, verifyPassword } from '../../accounts/passwords.js';
import { signIn } from '../../accounts/sign-in.js';
import { ErrorCode, fail, ok } from '../../shared/errors.js';
import { defineEvent } from '../kit.js';
import { credentialsSchema } from './credentials.js';

/**
 * `account:login` ({ username, password }): checks the password and signs this browser
 * session in (every tab follows). Unknown user and wrong password are one error, answered
 * after the same scrypt work, so the answer does not reveal which usernames exist. Failures
 * back off per name (see LoginBackOff): a locked name is refused before any hashing.
 */
export const login = defineEvent({
  schema: credentialsSchema,
  price: ['password.connection', 'password.address'],
  access: 'anyone',
  handle: async ({ input: { username, password }, socket, address, services: { store, identities, loginBackOff, log } }) => {
    if (!(await loginBackOff.attempt(username, address))) {
      return fail(ErrorCode.RATE_LIMITED, 'too many failed logins for this name; try again later');
    }
    const account = await store.accountByName(username);
    const matches = await verifyPassword(password, account?.passwordHash ?? (await decoyHash));
    if (!account || !matches) {
      log.debug({ socketId: socket.id }, 'login refused');
      return fail(ErrorCode.INVALID_CREDENTIALS, 'unknown username or wrong password');
    }
    await loginBackOff.succeeded(username, address);
    return ok(await signIn(socket, store, identities, { id: account.id, username: account.username }));
  },
});
