import type pg from 'pg';
import { NameTakenError, type Account } from '../accounts.js';
import { loginKey, nameKey } from '../name-key.js';
import { NO_PASSWORD, type BoundAccount, type BoundAccountDraft, type ExternalIdentity, type SignInFlow, type SsoStore } from '../sso.js';
import { CLAIM_NAME, type Query } from './accounts.js';
import { inTransaction } from './checkout.js';
import { sqlState, toStoreError, UNIQUE_VIOLATION } from './errors.js';

const BY_IDENTITY = 'SELECT a.id, a.username FROM sso_identities i JOIN accounts a ON a.id = i.account_id WHERE i.issuer = $1 AND i.subject = $2';

/** Thrown inside the transaction when a racing first sign-in bound the identity first. */
class BoundMeanwhile extends Error {}

/** Single sign-on identities and flows on the store's pool. See the SQLite twin (../sqlite/sso.ts). */
export class PostgresSso implements SsoStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly query: Query,
  ) {}

  async accountByIdentity(identity: ExternalIdentity): Promise<Account | undefined> {
    const { rows } = await this.query<Account>('accountByIdentity', BY_IDENTITY, [identity.issuer, identity.subject]);
    return rows[0];
  }

  async createBoundAccount(draft: BoundAccountDraft, now: number): Promise<BoundAccount> {
    try {
      const account = await inTransaction(this.pool, async (client) => {
        const inserted = await client.query<{ id: number }>(
          'INSERT INTO accounts (username, username_key, password_hash, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (username_key) DO NOTHING RETURNING id',
          [draft.username, loginKey(draft.username), NO_PASSWORD, now],
        );
        const id = inserted.rows[0]?.id;
        if (id === undefined) throw new NameTakenError(`the name ${draft.username} is taken`);
        const holder = `a:${id}`;
        const claimed = await client.query(CLAIM_NAME, [nameKey(draft.username), draft.username, holder, null, now, null]);
        // Throwing rolls the account back: the name (or a look-alike) is someone else's.
        if (claimed.rowCount === 0) throw new NameTakenError(`the name ${draft.username} is taken`);
        // A racing first sign-in of the same identity waits here for the other to commit, then finds it bound.
        const bound = await client.query(
          'INSERT INTO sso_identities (issuer, subject, account_id, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (issuer, subject) DO NOTHING',
          [draft.issuer, draft.subject, id, now],
        );
        if (bound.rowCount === 0) throw new BoundMeanwhile();
        const entry = draft.audit;
        await client.query('INSERT INTO audit_log (at, actor, actor_name, action, target, room_id, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
          entry.at,
          holder,
          entry.actorName,
          entry.action,
          holder,
          entry.roomId,
          entry.detail,
        ]);
        return { id, username: draft.username };
      });
      return { account, created: true };
    } catch (error) {
      if (error instanceof NameTakenError) throw error;
      if (error instanceof BoundMeanwhile || sqlState(error) === UNIQUE_VIOLATION) {
        const account = await this.accountByIdentity(draft);
        if (account) return { account, created: false };
        // A unique violation that is not the identity's: the name, taken by a racing registration.
        if (sqlState(error) === UNIQUE_VIOLATION) throw new NameTakenError(`the name ${draft.username} is taken`);
      }
      throw toStoreError(error, 'createBoundAccount');
    }
  }

  async saveFlow(flow: SignInFlow, now: number): Promise<void> {
    // Two statements, no transaction: forgetting old flows is housekeeping, not part of this one.
    await this.query('saveFlow', 'DELETE FROM sso_flows WHERE expires_at <= $1', [now]);
    await this.query('saveFlow', 'INSERT INTO sso_flows (id_hash, state, nonce, verifier, expires_at) VALUES ($1, $2, $3, $4, $5)', [
      flow.idHash,
      flow.state,
      flow.nonce,
      flow.verifier,
      flow.expiresAt,
    ]);
  }

  async takeFlow(idHash: string, now: number): Promise<SignInFlow | undefined> {
    const { rows } = await this.query<{ state: string; nonce: string; verifier: string; expires_at: string }>(
      'takeFlow',
      'DELETE FROM sso_flows WHERE id_hash = $1 RETURNING state, nonce, verifier, expires_at',
      [idHash],
    );
    const row = rows[0];
    if (!row || Number(row.expires_at) <= now) return undefined;
    return { idHash, state: row.state, nonce: row.nonce, verifier: row.verifier, expiresAt: Number(row.expires_at) };
  }
}
