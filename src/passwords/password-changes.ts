import type { Logger } from '../log.js';
import type { Actor } from '../moderation/moderation.js';
import { outranks, type Rank } from '../moderation/roles.js';
import { ErrorCode, fail, ok, type Ack } from '../shared/errors.js';
import type { ResetLink } from '../shared/protocol/passwords.js';
import { hashSecret, newSessionToken } from '../secrets.js';
import { sessionRoom } from '../socket-rooms.js';
import type { PasswordReplaced } from '../store/accounts.js';
import type { AuditDraft } from '../store/moderation.js';
import type { Store } from '../store/store.js';
import type { ParleyServer } from '../types.js';
import { accountNamedExactly } from '../accounts/exact-name.js';
import { hashPassword, verifyPassword } from '../accounts/passwords.js';

/** What PasswordChanges needs of the server. */
export interface PasswordChangeOptions {
  readonly io: ParleyServer;
  readonly store: Store;
  readonly log: Logger;
  /** How long a reset link is usable (config.passwordResetTtlMs). */
  readonly resetTtlMs: number;
  /** The rank of a user id now (src/moderation/roles.ts): an admin resets only those they outrank. */
  readonly rankOf: (userId: string) => Promise<Rank>;
}

/**
 * Changing a password and the admin's one-time reset links. Both replace the hash and end
 * sessions in one store transaction, then disconnect every live socket of the ended
 * sessions on every server (their `sessionRoom`, through the adapter): a reconnect presents
 * a token the store no longer knows and is refused. Each is kept in the audit log.
 */
export class PasswordChanges {
  constructor(private readonly options: PasswordChangeOptions) {}

  /**
   * The account's own change: `current` must match (checked with scrypt, like a login), and
   * every session but `keepSession` (this tab's, and the tabs of its browser) ends.
   */
  async change(accountId: number, keepSession: string | undefined, current: string, next: string): Promise<Ack<{ signedOut: number }>> {
    const { store } = this.options;
    const credentials = await store.accounts.credentialsById(accountId);
    if (!credentials || !(await verifyPassword(current, credentials.passwordHash))) {
      return fail(ErrorCode.INVALID_CREDENTIALS, 'the current password is wrong');
    }
    const replaced = await store.accounts.replacePassword(accountId, await hashPassword(next), keepSession);
    if (!replaced) return fail(ErrorCode.INVALID_CREDENTIALS, 'the current password is wrong');
    const user = `a:${accountId}`;
    await this.signOut(replaced, { at: Date.now(), actor: user, actorName: credentials.username, action: 'password-change', target: user, roomId: null, detail: detail(replaced) });
    return ok({ signedOut: replaced.endedSessions.length });
  }

  /**
   * An admin's reset link for the account named exactly `username`: a fresh random token,
   * stored hashed with its expiry (replacing the account's earlier unused link), shown once.
   */
  async issueReset(actor: Actor, username: string): Promise<Ack<ResetLink>> {
    const { store, resetTtlMs } = this.options;
    const { account } = await accountNamedExactly(store, username);
    if (!account) return fail(ErrorCode.UNKNOWN_USER, 'no account has exactly that name (letter case and look-alikes count)');
    const userId = `a:${account.id}`;
    const rank = await this.options.rankOf(userId);
    // An admin taking over another admin's account by resetting it would be a way around roles.
    if (userId === actor.id || !outranks(actor.rank, rank)) return fail(ErrorCode.FORBIDDEN, `a ${actor.rank} cannot reset the password of this ${rank}`);
    const token = newSessionToken();
    const now = Date.now();
    const expiresAt = now + resetTtlMs;
    await store.accounts.createPasswordReset({ tokenHash: hashSecret(token), accountId: account.id, expiresAt, issuedBy: actor.id }, now);
    await store.moderation.recordAudit({ at: now, actor: actor.id, actorName: actor.name, action: 'password-reset-issued', target: userId, roomId: null, detail: `expires ${new Date(expiresAt).toISOString()}` });
    return ok({ userId, token, path: `/#reset=${token}`, expiresAt });
  }

  /** Takes a reset link once: the new password is stored and every session of the account ends. */
  async redeem(token: string, password: string): Promise<Ack<{ username: string }>> {
    const { store } = this.options;
    const passwordHash = await hashPassword(password);
    const replaced = await store.accounts.redeemPasswordReset(hashSecret(token), passwordHash, Date.now());
    if (!replaced) return fail(ErrorCode.INVALID_CREDENTIALS, 'this reset link is unknown, used or expired');
    const user = `a:${replaced.account.id}`;
    await this.signOut(replaced, { at: Date.now(), actor: user, actorName: replaced.account.username, action: 'password-reset', target: user, roomId: null, detail: detail(replaced) });
    return ok({ username: replaced.account.username });
  }

  private async signOut(replaced: PasswordReplaced, audit: AuditDraft): Promise<void> {
    const { io, store, log } = this.options;
    for (const session of replaced.endedSessions) io.in(sessionRoom(session)).disconnectSockets(true);
    await store.moderation.recordAudit(audit);
    log.info({ accountId: replaced.account.id, action: audit.action, sessions: replaced.endedSessions.length }, 'password replaced');
  }
}

const detail = (replaced: PasswordReplaced): string => `${replaced.endedSessions.length} session(s) signed out`;
