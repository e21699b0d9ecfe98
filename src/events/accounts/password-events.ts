import { HashQueueFullError } from '../../accounts/passwords.js';
import { ErrorCode, fail, type Ack } from '../../shared/errors.js';
import { passwordChangeSchema, passwordResetSchema, resetIssueSchema } from '../../shared/protocol/passwords.js';
import { defineEvent } from '../kit.js';

/**
 * The password events (src/passwords/password-changes.ts does the work). Each costs scrypt
 * work, so each pays the password limits; a change also pays `password-change.user`, so a
 * borrowed tab cannot guess the current password over many connections.
 */

/** `account:password` ({ current, next }): every other session of the account is signed out. */
export const passwordChange = defineEvent({
  schema: passwordChangeSchema,
  price: ['password.connection', 'password.address', 'password-change.user'],
  access: 'account',
  handle: ({ input, socket, services: { passwords } }) => {
    const accountId = Number(socket.data.user.id.slice(2));
    return busyAsUnavailable(() => passwords.change(accountId, socket.data.session, input.current, input.next));
  },
});

/** `account:reset` ({ token, password }): anyone holding a reset link, once. */
export const passwordReset = defineEvent({
  schema: passwordResetSchema,
  price: ['password.connection', 'password.address', 'password-reset.address'],
  access: 'anyone',
  handle: ({ input, services: { passwords } }) => busyAsUnavailable(() => passwords.redeem(input.token, input.password)),
});

/** `mod:password-reset` ({ username }): admins (and the operator over HTTP) issue a one-time link. */
export const passwordResetIssue = defineEvent({
  schema: resetIssueSchema,
  price: ['moderation.user'],
  access: 'admin',
  http: 'POST',
  handle: ({ input, actor, services: { passwords } }) => passwords.issueReset(actor, input.username),
});

async function busyAsUnavailable<T>(work: () => Promise<Ack<T>>): Promise<Ack<T>> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof HashQueueFullError) return fail(ErrorCode.UNAVAILABLE, 'the server is busy; try again');
    throw error;
  }
}

/** Every password event by name, for the event table. */
export const passwordEvents = {
  'account:password': passwordChange,
  'account:reset': passwordReset,
  'mod:password-reset': passwordResetIssue,
} as const;
