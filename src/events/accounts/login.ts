import { decoyHash, HashQueueFullError, hashPassword, needsRehash, verifyPassword } from '../../accounts/passwords.js';
import { signIn } from '../../accounts/sign-in.js';
import { describeRestriction } from '../../moderation/restrictions.js';
import { ErrorCode, fail, ok } from '../../shared/errors.js';
import type { Logger } from '../../log.js';
import type { Store } from '../../store/store.js';
import { nameSchema } from '../../accounts/names.js';
import { credentialsSchema } from '../../shared/protocol/accounts.js';
import { NO_PASSWORD } from '../../store/sso.js';
import { defineEvent } from '../kit.js';
import { PASSWORDS_OFF } from './passwords-off.js';

/**
 * `account:login` ({ username, password }): checks the password and signs this connection
 * in (see signIn for the browser's cookie). Unknown user and wrong password are one error,
 * answered after the same scrypt work, so the answer does not reveal which usernames exist.
 * Failures back off per name (see LoginBackOff): a locked name is refused before any
 * hashing. A hash made at a lower cost than today's is replaced after a successful check.
 * When this process already runs and queues as many hashes as it may, UNAVAILABLE. A banned
 * account is answered BANNED (after the password check, so the answer tells a stranger nothing).
 * An account made by single sign-on has no password: it is checked against the decoy, like an
 * unknown name. FORBIDDEN when PARLEY_PASSWORDS is off.
 */
export const login = defineEvent({
  schema: credentialsSchema(nameSchema),
  price: ['password.connection', 'password.address'],
  access: 'anyone',
  handle: async ({ input: { username, password }, socket, address, services: { store, identities, loginBackOff, restrictions, log, config } }) => {
    if (!config.passwords) return PASSWORDS_OFF;
    if (!(await loginBackOff.attempt(username, address))) {
      return fail(ErrorCode.RATE_LIMITED, 'too many failed logins for this name; try again later');
    }
    const account = await store.accounts.accountByName(username);
    const storedHash = account !== undefined && account.passwordHash !== NO_PASSWORD ? account.passwordHash : await decoyHash;
    let matches: boolean;
    try {
      matches = await verifyPassword(password, storedHash);
    } catch (error) {
      if (error instanceof HashQueueFullError) return fail(ErrorCode.UNAVAILABLE, 'the server is busy; try again');
      throw error;
    }
    if (!account || !matches) {
      log.debug({ socketId: socket.id }, 'login refused');
      return fail(ErrorCode.INVALID_CREDENTIALS, 'unknown username or wrong password');
    }
    await loginBackOff.succeeded(username, address);
    const ban = restrictions.banOf(`a:${account.id}`);
    if (ban) return fail(ErrorCode.BANNED, describeRestriction(ban));
    if (needsRehash(storedHash)) await rehash(account.id, password, store, log);
    return ok(await signIn(socket, store, identities, { id: account.id, username: account.username }));
  },
});

/** Stores the password at today's cost. Best effort: the old hash still works, the next login tries again. */
async function rehash(accountId: number, password: string, store: Store, log: Logger): Promise<void> {
  try {
    await store.accounts.updatePasswordHash(accountId, await hashPassword(password));
  } catch (error) {
    log.warn({ err: error, accountId }, 'password not rehashed at the current cost');
  }
}
