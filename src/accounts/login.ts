import type { HandlerContext } from '../chat/context.js';
import { ErrorCode, fail, ok } from '../shared/errors.js';
import { credentialsHandler } from './credentials-handler.js';
import { decoyHash, verifyPassword } from './passwords.js';
import { signIn } from './sign-in.js';

/**
 * `account:login` ({ username, password }): checks the password and signs this browser
 * session in (every tab follows). Unknown user and wrong password are one error, answered
 * after the same scrypt work, so the answer does not reveal which usernames exist.
 */
export function login(context: HandlerContext) {
  const { socket, store, log } = context;
  return credentialsHandler(context, 'account:login', async ({ username, password }) => {
    const account = await store.accountByName(username);
    const matches = await verifyPassword(password, account?.passwordHash ?? (await decoyHash));
    if (!account || !matches) {
      log.info({ socketId: socket.id }, 'login refused');
      return fail(ErrorCode.INVALID_CREDENTIALS, 'unknown username or wrong password');
    }
    return ok(await signIn(context, { id: account.id, username: account.username }));
  });
}
