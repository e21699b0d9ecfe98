import type pg from 'pg';
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
import { inTransaction } from './checkout.js';
import { sqlState, toStoreError, UNIQUE_VIOLATION } from './errors.js';

/** Runs one statement on the pool with the store's error mapping. */
export type Query = <Row extends pg.QueryResultRow>(operation: string, text: string, values: unknown[]) => Promise<pg.QueryResult<Row>>;

/**
 * A guest lease is taken when the name is free, its lease has ended, or it is already the
 * holder's (a change of letter case, or to a look-alike). An account's row (expires_at
 * NULL) is never taken.
 * Under READ COMMITTED, `ON CONFLICT DO UPDATE` waits for a concurrent claimer of the same
 * key and then judges the committed row, so two processes can never both win a name.
 * $1 key, $2 name, $3 holder, $4 expires_at, $5 now, $6 a guest whose own lease counts as free.
 */
export const CLAIM_NAME = `
  INSERT INTO names (name_key, name, holder, expires_at, renewed_at) VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT (name_key) DO UPDATE SET
    name = excluded.name, holder = excluded.holder, expires_at = excluded.expires_at, renewed_at = excluded.renewed_at
  WHERE names.expires_at IS NOT NULL AND (names.expires_at <= $5 OR names.holder = $3 OR names.holder = $6)
  RETURNING name_key`;

/** The identity half of the PostgreSQL store, on the store's pool. */
export class PostgresAccounts implements AccountStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly query: Query,
  ) {}

  async createAccount(draft: AccountDraft, now: number): Promise<Account> {
    const key = nameKey(draft.username);
    return this.transaction('createAccount', async (client) => {
      const { rows } = await client.query<{ id: number }>(
        'INSERT INTO accounts (username, username_key, password_hash, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (username_key) DO NOTHING RETURNING id',
        [draft.username, loginKey(draft.username), draft.passwordHash, now],
      );
      const id = rows[0]?.id;
      if (id === undefined) throw new NameTakenError(`the name ${draft.username} is taken`);
      const claimed = await client.query(CLAIM_NAME, [key, draft.username, `a:${id}`, null, now, draft.guest ?? null]);
      // Throwing rolls the account back: the name belongs to a guest who is online.
      if (claimed.rowCount === 0) throw new NameTakenError(`the name ${draft.username} is taken`);
      if (draft.guest !== undefined) {
        await client.query('UPDATE names SET expires_at = least(expires_at, $1) WHERE holder = $2 AND expires_at IS NOT NULL', [now, draft.guest]);
      }
      return { id, username: draft.username };
    });
  }

  async accountByName(username: string): Promise<AccountCredentials | undefined> {
    const { rows } = await this.query<{ id: number; username: string; password_hash: string }>(
      'accountByName',
      'SELECT id, username, password_hash FROM accounts WHERE username_key = $1',
      [loginKey(username)],
    );
    const row = rows[0];
    return row && { id: row.id, username: row.username, passwordHash: row.password_hash };
  }

  async createSession(session: SessionDraft, now: number): Promise<void> {
    await this.transaction('createSession', async (client) => {
      await client.query('DELETE FROM sessions WHERE expires_at <= $1', [now]);
      await client.query('INSERT INTO sessions (token_hash, account_id, expires_at, created_at) VALUES ($1, $2, $3, $4)', [
        session.tokenHash,
        session.accountId,
        session.expiresAt,
        now,
      ]);
      if (session.browserHash !== undefined) {
        await client.query(
          `INSERT INTO browser_sessions (browser_hash, token_hash, exchange_until) VALUES ($1, $2, $3)
           ON CONFLICT (browser_hash) DO UPDATE SET token_hash = excluded.token_hash, exchange_until = excluded.exchange_until`,
          [session.browserHash, session.tokenHash, session.exchangeUntil ?? null],
        );
      }
    });
  }

  async accountBySession(tokenHash: string, now: number): Promise<Account | undefined> {
    const { rows } = await this.query<Account>(
      'accountBySession',
      'SELECT a.id, a.username FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = $1 AND s.expires_at > $2',
      [tokenHash, now],
    );
    return rows[0];
  }

  async accountByBrowser(browserHash: string, now: number): Promise<BrowserSession | undefined> {
    const { rows } = await this.query<Account & { token_hash: string }>(
      'accountByBrowser',
      `SELECT a.id, a.username, s.token_hash FROM browser_sessions b
         JOIN sessions s ON s.token_hash = b.token_hash JOIN accounts a ON a.id = s.account_id
        WHERE b.browser_hash = $1 AND s.expires_at > $2`,
      [browserHash, now],
    );
    const row = rows[0];
    return row && { account: { id: row.id, username: row.username }, tokenHash: row.token_hash };
  }

  async redeemExchange(browserHash: string, now: number): Promise<boolean> {
    const { rowCount } = await this.query(
      'redeemExchange',
      'UPDATE browser_sessions SET exchange_until = NULL WHERE browser_hash = $1 AND exchange_until > $2',
      [browserHash, now],
    );
    return rowCount === 1;
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.query('deleteSession', 'DELETE FROM sessions WHERE token_hash = $1', [tokenHash]);
  }

  async updatePasswordHash(accountId: number, passwordHash: string): Promise<void> {
    await this.query('updatePasswordHash', 'UPDATE accounts SET password_hash = $1 WHERE id = $2', [passwordHash, accountId]);
  }

  async credentialsById(accountId: number): Promise<AccountCredentials | undefined> {
    const { rows } = await this.query<{ id: number; username: string; password_hash: string }>(
      'credentialsById',
      'SELECT id, username, password_hash FROM accounts WHERE id = $1',
      [accountId],
    );
    const row = rows[0];
    return row && { id: row.id, username: row.username, passwordHash: row.password_hash };
  }

  async replacePassword(accountId: number, passwordHash: string, keepSession: string | undefined): Promise<PasswordReplaced | undefined> {
    return this.transaction('replacePassword', (client) => replaceIn(client, accountId, passwordHash, keepSession));
  }

  async createPasswordReset(reset: PasswordResetDraft, now: number): Promise<void> {
    await this.transaction('createPasswordReset', async (client) => {
      await client.query('DELETE FROM password_resets WHERE (account_id = $1 AND used_at IS NULL) OR expires_at <= $2', [reset.accountId, now]);
      await client.query('INSERT INTO password_resets (token_hash, account_id, expires_at, issued_by) VALUES ($1, $2, $3, $4)', [
        reset.tokenHash,
        reset.accountId,
        reset.expiresAt,
        reset.issuedBy,
      ]);
    });
  }

  async redeemPasswordReset(tokenHash: string, passwordHash: string, now: number): Promise<PasswordReplaced | undefined> {
    return this.transaction('redeemPasswordReset', async (client) => {
      // The row lock of this UPDATE makes a second redemption wait, then find used_at set.
      const { rows } = await client.query<{ account_id: number }>(
        'UPDATE password_resets SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING account_id',
        [now, tokenHash],
      );
      const accountId = rows[0]?.account_id;
      return accountId === undefined ? undefined : replaceIn(client, accountId, passwordHash, undefined);
    });
  }

  async sessionSecret(candidate: string): Promise<string> {
    // A racing worker or node may insert first: DO NOTHING keeps its secret, and everyone reads the one stored.
    await this.query('sessionSecret', "INSERT INTO settings (key, value) VALUES ('session_secret', $1) ON CONFLICT (key) DO NOTHING", [candidate]);
    const { rows } = await this.query<{ value: string }>('sessionSecret', "SELECT value FROM settings WHERE key = 'session_secret'", []);
    const stored = rows[0]?.value;
    if (stored === undefined) throw new Error('the session secret was not stored');
    return stored;
  }

  async claimGuestName(name: string, holder: string, expiresAt: number, now: number): Promise<boolean> {
    const key = nameKey(name);
    return this.transaction('claimGuestName', async (client) => {
      const claimed = await client.query(CLAIM_NAME, [key, name, holder, expiresAt, now, null]);
      if (claimed.rowCount === 0) return false;
      await client.query('DELETE FROM names WHERE holder = $1 AND name_key <> $2 AND expires_at IS NOT NULL', [holder, key]);
      return true;
    });
  }

  async guestNameOf(holder: string): Promise<string | undefined> {
    const { rows } = await this.query<{ name: string }>(
      'guestNameOf',
      'SELECT name FROM names WHERE holder = $1 AND expires_at IS NOT NULL ORDER BY renewed_at DESC LIMIT 1',
      [holder],
    );
    return rows[0]?.name;
  }

  async renewGuestNames(holders: readonly string[], expiresAt: number, now: number): Promise<void> {
    if (holders.length > 0) {
      await this.query(
        'renewGuestNames',
        'UPDATE names SET expires_at = $1, renewed_at = $2 WHERE holder = ANY($3::text[]) AND expires_at IS NOT NULL',
        [expiresAt, now, [...holders]],
      );
    }
    await this.query('renewGuestNames', 'DELETE FROM names WHERE expires_at IS NOT NULL AND expires_at < $1', [now - ENDED_LEASE_RETENTION_MS]);
  }

  async releaseGuestName(holder: string, now: number, since: number): Promise<void> {
    await this.query(
      'releaseGuestName',
      'UPDATE names SET expires_at = $1 WHERE holder = $2 AND expires_at IS NOT NULL AND expires_at > $1 AND renewed_at < $3',
      [now, holder, since],
    );
  }

  /** Runs `work` in one transaction; domain errors pass through, the rest become store errors. */
  private async transaction<T>(operation: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    try {
      return await inTransaction(this.pool, work);
    } catch (error) {
      if (error instanceof NameTakenError) throw error;
      // A racing registration of the same name surfaces as a unique violation at COMMIT or insert.
      if (sqlState(error) === UNIQUE_VIOLATION && operation === 'createAccount') throw new NameTakenError('the name is taken');
      throw toStoreError(error, operation);
    }
  }
}

/** Replaces the password and ends the account's other sessions, inside the caller's transaction. */
async function replaceIn(client: pg.PoolClient, accountId: number, passwordHash: string, keepSession: string | undefined): Promise<PasswordReplaced | undefined> {
  const { rows } = await client.query<{ id: number; username: string }>('UPDATE accounts SET password_hash = $1 WHERE id = $2 RETURNING id, username', [
    passwordHash,
    accountId,
  ]);
  const account = rows[0];
  if (!account) return undefined;
  const ended = await client.query<{ token_hash: string }>(
    'DELETE FROM sessions WHERE account_id = $1 AND token_hash IS DISTINCT FROM $2 RETURNING token_hash',
    [accountId, keepSession ?? null],
  );
  return { account: { id: account.id, username: account.username }, endedSessions: ended.rows.map((row) => row.token_hash) };
}
