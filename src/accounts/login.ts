import { splitArguments } from '../chat/arguments.js';
import type { HandlerContext } from '../chat/context.js';
import { ErrorCode, fail, ok } from '../shared/errors.js';
import type { Session } from '../shared/events.js';
import { credentialsSchema } from './credentials.js';
import { decoyHash, verifyPassword } from './passwords.js';
import { passwordAttempts } from './password-attempts.js';
import { failure, firstIssue } from './respond.js';
import { signIn } from './sign-in.js';

/**
 * `account:login` ({ username, password }): checks the password and signs this browser
 * session in (every tab follows). Unknown user and wrong password are one error, answered
 * after the same scrypt work, so the answer does not reveal which usernames exist.
 */
export function login(context: HandlerContext) {
  const { socket, store, log } = context;
  const attempts = passwordAttempts();
  return async (...args: unknown[]): Promise<void> => {
    const { payload, respond } = splitArguments<Session>(args);
    const parsed = credentialsSchema.safeParse(payload[0]);
    if (!parsed.success) return respond(fail(ErrorCode.INVALID_PAYLOAD, firstIssue(parsed.error.issues)));
    const { username, password } = parsed.data;
    if (!attempts.take()) return respond(fail(ErrorCode.RATE_LIMITED, 'too many attempts; wait a second'));
    try {
      const account = await store.accountByName(username);
      const matches = await verifyPassword(password, account?.passwordHash ?? (await decoyHash));
      if (!account || !matches) {
        log.info({ socketId: socket.id }, 'login refused');
        return respond(fail(ErrorCode.INVALID_CREDENTIALS, 'unknown username or wrong password'));
      }
      respond(ok(await signIn(context, { id: account.id, username: account.username })));
    } catch (error) {
      respond(failure(error, socket, log, 'account:login'));
    }
  };
}
