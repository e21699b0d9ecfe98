import type Database from 'better-sqlite3';
import {
  ENDED_LEASE_RETENTION_MS,
  NameTakenError,
  type Account,
  type AccountCredentials,
  type AccountDraft,
  type AccountStore,
  type BrowserSession,
  type PasswordReplaced,
  type PasswordResetDraft,
  type SessionDraft,
} from '../accounts.js';
import { loginKey, nameKey } from '../name-key.js';

/** The settings row holding the secret that signs browser session cookies. */
const SESSION_SECRET_KEY = 'session_secret';

/** Runs a statement with the store's error mapping (closed store, busy database). */
export type Guard = <T>(query: () => T) => T;

interface AccountRow {
  id: number;
  username: string;
  password_hash: string;
}

/**
 * A guest lease is taken when the name is free, its lease has ended, or it is already the
 * holder's (a change of letter case, or to a look-alike). An account's row (expires_at
 * NULL) is never taken.
 */
export const CLAIM_NAME = `
  INSERT INTO names (name_key, name, holder, expires_at, renewed_at) VALUES (@key, @name, @holder, @expiresAt, @now)
  ON CONFLICT (name_key) DO UPDATE SET
    name = excluded.name, holder = excluded.holder, expires_at = excluded.expires_at, renewed_at = excluded.renewed_at
  WHERE names.expires_at IS NOT NULL AND (names.expires_at <= @now OR names.holder = @holder OR names.holder = @guest)
  RETURNING name_key`;

/** The identity half of the SQLite store; the same file and connection as the messages. */
export class SqliteAccounts implements AccountStore {
  private readonly statements;

  constructor(
    private readonly db: Database.Database,
    private readonly guard: Guard,
  ) {
    this.statements = {
      insertAccount: db.prepare<[string, string, string, number], { id: number }>(
        'INSERT INTO accounts (username, username_key, password_hash, created_at) VALUES (?, ?, ?, ?) RETURNING id',
      ),
      claimName: db.prepare<{ key: string; name: string; holder: string; expiresAt: number | null; now: number; guest: string | null }, { name_key: string }>(
        CLAIM_NAME,
      ),
      endLeases: db.prepare<[number, string]>('UPDATE names SET expires_at = min(expires_at, ?) WHERE holder = ? AND expires_at IS NOT NULL'),
      accountByName: db.prepare<[string], AccountRow>('SELECT id, username, password_hash FROM accounts WHERE username_key = ?'),
      insertSession: db.prepare('INSERT INTO sessions (token_hash, account_id, expires_at, created_at) VALUES (?, ?, ?, ?)'),
      bindBrowser: db.prepare(
        `INSERT INTO browser_sessions (browser_hash, token_hash, exchange_until) VALUES (?, ?, ?)
         ON CONFLICT (browser_hash) DO UPDATE SET token_hash = excluded.token_hash, exchange_until = excluded.exchange_until`,
      ),
      redeemExchange: db.prepare<[string, number]>(
        'UPDATE browser_sessions SET exchange_until = NULL WHERE browser_hash = ? AND exchange_until > ?',
      ),
      forgetSessions: db.prepare('DELETE FROM sessions WHERE expires_at <= ?'),
      bySession: db.prepare<[string, number], Account>(
        'SELECT a.id, a.username FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = ? AND s.expires_at > ?',
      ),
      byBrowser: db.prepare<[string, number], Account & { token_hash: string }>(
        `SELECT a.id, a.username, s.token_hash FROM browser_sessions b
           JOIN sessions s ON s.token_hash = b.token_hash JOIN accounts a ON a.id = s.account_id
          WHERE b.browser_hash = ? AND s.expires_at > ?`,
      ),
      deleteSession: db.prepare('DELETE FROM sessions WHERE token_hash = ?'),
      updatePasswordHash: db.prepare('UPDATE accounts SET password_hash = ? WHERE id = ?'),
      accountById: db.prepare<[number], AccountRow>('SELECT id, username, password_hash FROM accounts WHERE id = ?'),
      sessionsOf: db.prepare<[number], { token_hash: string }>('SELECT token_hash FROM sessions WHERE account_id = ?'),
      dropUnusedResets: db.prepare('DELETE FROM password_resets WHERE (account_id = ? AND used_at IS NULL) OR expires_at <= ?'),
      insertReset: db.prepare('INSERT INTO password_resets (token_hash, account_id, expires_at, issued_by) VALUES (?, ?, ?, ?)'),
      takeReset: db.prepare<[number, string, number], { account_id: number }>(
        'UPDATE password_resets SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING account_id',
      ),
      keepSetting: db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING'),
      setting: db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?'),
      dropOtherLeases: db.prepare('DELETE FROM names WHERE holder = ? AND name_key <> ? AND expires_at IS NOT NULL'),
      nameOf: db.prepare<[string], { name: string }>(
        'SELECT name FROM names WHERE holder = ? AND expires_at IS NOT NULL ORDER BY renewed_at DESC LIMIT 1',
      ),
      renew: db.prepare('UPDATE names SET expires_at = ?, renewed_at = ? WHERE holder = ? AND expires_at IS NOT NULL'),
      forgetLeases: db.prepare('DELETE FROM names WHERE expires_at IS NOT NULL AND expires_at < ?'),
      release: db.prepare(
        'UPDATE names SET expires_at = ? WHERE holder = ? AND expires_at IS NOT NULL AND expires_at > ? AND renewed_at < ?',
      ),
    };
  }

  async createAccount(draft: AccountDraft, now: number): Promise<Account> {
    const { insertAccount, claimName, endLeases } = this.statements;
    const key = nameKey(draft.username);
    const create = this.db.transaction((): Account => {
      let row: { id: number } | undefined;
      try {
        row = insertAccount.get(draft.username, loginKey(draft.username), draft.passwordHash, now);
      } catch (error) {
        if (isUniqueViolation(error)) throw new NameTakenError(`the name ${draft.username} is taken`);
        throw error;
      }
      if (!row) throw new Error('account insert returned nothing');
      const claimed = claimName.get({ key, name: draft.username, holder: `a:${row.id}`, expiresAt: null, now, guest: draft.guest ?? null });
      // Throwing rolls the account back: the name belongs to a guest who is online.
      if (!claimed) throw new NameTakenError(`the name ${draft.username} is taken`);
      if (draft.guest !== undefined) endLeases.run(now, draft.guest);
      return { id: row.id, username: draft.username };
    });
    return this.guard(() => create.immediate());
  }

  async accountByName(username: string): Promise<AccountCredentials | undefined> {
    const row = this.guard(() => this.statements.accountByName.get(loginKey(username)));
    return row && { id: row.id, username: row.username, passwordHash: row.password_hash };
  }

  async createSession(session: SessionDraft, now: number): Promise<void> {
    const { insertSession, bindBrowser, forgetSessions } = this.statements;
    const create = this.db.transaction(() => {
      forgetSessions.run(now);
      insertSession.run(session.tokenHash, session.accountId, session.expiresAt, now);
      if (session.browserHash !== undefined) bindBrowser.run(session.browserHash, session.tokenHash, session.exchangeUntil ?? null);
    });
    this.guard(() => create.immediate());
  }

  async accountBySession(tokenHash: string, now: number): Promise<Account | undefined> {
    return this.guard(() => this.statements.bySession.get(tokenHash, now));
  }

  async accountByBrowser(browserHash: string, now: number): Promise<BrowserSession | undefined> {
    const row = this.guard(() => this.statements.byBrowser.get(browserHash, now));
    return row && { account: { id: row.id, username: row.username }, tokenHash: row.token_hash };
  }

  async redeemExchange(browserHash: string, now: number): Promise<boolean> {
    return this.guard(() => this.statements.redeemExchange.run(browserHash, now).changes === 1);
  }

  async deleteSession(tokenHash: string): Promise<void> {
    this.guard(() => this.statements.deleteSession.run(tokenHash));
  }

  async updatePasswordHash(accountId: number, passwordHash: string): Promise<void> {
    this.guard(() => this.statements.updatePasswordHash.run(passwordHash, accountId));
  }

  async credentialsById(accountId: number): Promise<AccountCredentials | undefined> {
    const row = this.guard(() => this.statements.accountById.get(accountId));
    return row && { id: row.id, username: row.username, passwordHash: row.password_hash };
  }

  async replacePassword(accountId: number, passwordHash: string, keepSession: string | undefined): Promise<PasswordReplaced | undefined> {
    const replace = this.db.transaction(() => this.replaceInTransaction(accountId, passwordHash, keepSession));
    return this.guard(() => replace.immediate());
  }

  async createPasswordReset(reset: PasswordResetDraft, now: number): Promise<void> {
    const { dropUnusedResets, insertReset } = this.statements;
    const create = this.db.transaction(() => {
      dropUnusedResets.run(reset.accountId, now);
      insertReset.run(reset.tokenHash, reset.accountId, reset.expiresAt, reset.issuedBy);
    });
    this.guard(() => create.immediate());
  }

  async redeemPasswordReset(tokenHash: string, passwordHash: string, now: number): Promise<PasswordReplaced | undefined> {
    const redeem = this.db.transaction((): PasswordReplaced | undefined => {
      const taken = this.statements.takeReset.get(now, tokenHash, now);
      return taken && this.replaceInTransaction(taken.account_id, passwordHash, undefined);
    });
    return this.guard(() => redeem.immediate());
  }

  /** The body of replacePassword, inside the caller's transaction. */
  private replaceInTransaction(accountId: number, passwordHash: string, keepSession: string | undefined): PasswordReplaced | undefined {
    const { accountById, updatePasswordHash, sessionsOf, deleteSession } = this.statements;
    const row = accountById.get(accountId);
    if (!row) return undefined;
    updatePasswordHash.run(passwordHash, accountId);
    const ended = sessionsOf.all(accountId).map((session) => session.token_hash).filter((hash) => hash !== keepSession);
    for (const hash of ended) deleteSession.run(hash);
    return { account: { id: row.id, username: row.username }, endedSessions: ended };
  }

  async sessionSecret(candidate: string): Promise<string> {
    const { keepSetting, setting } = this.statements;
    const keep = this.db.transaction((): string | undefined => {
      keepSetting.run(SESSION_SECRET_KEY, candidate);
      return setting.get(SESSION_SECRET_KEY)?.value;
    });
    const stored = this.guard(() => keep.immediate());
    if (stored === undefined) throw new Error('the session secret was not stored');
    return stored;
  }

  async claimGuestName(name: string, holder: string, expiresAt: number, now: number): Promise<boolean> {
    const { claimName, dropOtherLeases } = this.statements;
    const key = nameKey(name);
    const claim = this.db.transaction((): boolean => {
      if (!claimName.get({ key, name, holder, expiresAt, now, guest: null })) return false;
      dropOtherLeases.run(holder, key);
      return true;
    });
    return this.guard(() => claim.immediate());
  }

  async guestNameOf(holder: string): Promise<string | undefined> {
    return this.guard(() => this.statements.nameOf.get(holder)?.name);
  }

  async renewGuestNames(holders: readonly string[], expiresAt: number, now: number): Promise<void> {
    const { renew, forgetLeases } = this.statements;
    const renewAll = this.db.transaction(() => {
      for (const holder of holders) renew.run(expiresAt, now, holder);
      forgetLeases.run(now - ENDED_LEASE_RETENTION_MS);
    });
    this.guard(() => renewAll.immediate());
  }

  async releaseGuestName(holder: string, now: number, since: number): Promise<void> {
    this.guard(() => this.statements.release.run(now, holder, now, since));
  }
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'SQLITE_CONSTRAINT_UNIQUE';
}
