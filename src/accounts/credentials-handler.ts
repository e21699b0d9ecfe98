import { splitArguments } from '../chat/arguments.js';
import type { HandlerContext } from '../chat/context.js';
import { ErrorCode, fail, type Ack } from '../shared/errors.js';
import type { Session } from '../shared/events.js';
import { credentialsSchema, type Credentials } from './credentials.js';
import { passwordAttempts } from './password-attempts.js';
import { failure, firstIssue } from './respond.js';

/**
 * The part `account:register` and `account:login` share: validates `{ username, password }`,
 * takes a token of the connection's password-attempt budget (scrypt is expensive on
 * purpose), runs `work`, and always answers: INVALID_PAYLOAD, RATE_LIMITED, or what `work`
 * answers or throws (see respond.ts).
 */
export function credentialsHandler(
  context: HandlerContext,
  event: 'account:register' | 'account:login',
  work: (credentials: Credentials) => Promise<Ack<Session>>,
) {
  const { socket, log } = context;
  const attempts = passwordAttempts();
  return async (...args: unknown[]): Promise<void> => {
    const { payload, respond } = splitArguments<Session>(args);
    const parsed = credentialsSchema.safeParse(payload[0]);
    if (!parsed.success) return respond(fail(ErrorCode.INVALID_PAYLOAD, firstIssue(parsed.error.issues)));
    if (!attempts.take()) return respond(fail(ErrorCode.RATE_LIMITED, 'too many attempts; wait a second'));
    try {
      respond(await work(parsed.data));
    } catch (error) {
      respond(failure(error, socket, log, event));
    }
  };
}
