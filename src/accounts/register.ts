import type { HandlerContext } from '../chat/context.js';
import { ok } from '../shared/errors.js';
import { credentialsHandler } from './credentials-handler.js';
import { hashPassword } from './passwords.js';
import { signIn } from './sign-in.js';

/**
 * `account:register` ({ username, password }): creates the account (the name must be free
 * among accounts and online guests; a guest may register its own nickname) and signs this
 * browser session in. Answers the user and a session token.
 */
export function register(context: HandlerContext) {
  const { socket, store, log } = context;
  return credentialsHandler(context, 'account:register', async ({ username, password }) => {
    const guest = socket.data.user.kind === 'guest' ? socket.data.user.id : undefined;
    const account = await store.createAccount({ username, passwordHash: await hashPassword(password), guest }, Date.now());
    log.info({ socketId: socket.id, accountId: account.id }, 'account registered');
    return ok(await signIn(context, account));
  });
}
