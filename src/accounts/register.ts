import { splitArguments } from '../chat/arguments.js';
import type { HandlerContext } from '../chat/context.js';
import { ErrorCode, fail, ok } from '../shared/errors.js';
import type { Session } from '../shared/events.js';
import { credentialsSchema } from './credentials.js';
import { hashPassword } from './passwords.js';
import { passwordAttempts } from './password-attempts.js';
import { failure, firstIssue } from './respond.js';
import { signIn } from './sign-in.js';

/**
 * `account:register` ({ username, password }): creates the account (the name must be free
 * among accounts and online guests; a guest may register its own nickname) and signs this
 * browser session in. Answers the user and a session token.
 */
export function register(context: HandlerContext) {
  const { socket, store, log } = context;
  const attempts = passwordAttempts();
  return async (...args: unknown[]): Promise<void> => {
    const { payload, respond } = splitArguments<Session>(args);
    const parsed = credentialsSchema.safeParse(payload[0]);
    if (!parsed.success) return respond(fail(ErrorCode.INVALID_PAYLOAD, firstIssue(parsed.error.issues)));
    const { username, password } = parsed.data;
    if (!attempts.take()) return respond(fail(ErrorCode.RATE_LIMITED, 'too many attempts; wait a second'));
    try {
      const guest = socket.data.user.kind === 'guest' ? socket.data.user.id : undefined;
      const account = await store.createAccount({ username, passwordHash: await hashPassword(password), guest }, Date.now());
      log.info({ socketId: socket.id, accountId: account.id }, 'account registered');
      respond(ok(await signIn(context, account)));
    } catch (error) {
      respond(failure(error, socket, log, 'account:register'));
    }
  };
}
