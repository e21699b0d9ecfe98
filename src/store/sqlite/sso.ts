import type Database from 'better-sqlite3';
import { NameTakenError, type Account } from '../accounts.js';
import { loginKey, nameKey } from '../name-key.js';
import { NO_PASSWORD, type BoundAccount, type BoundAccountDraft, type ExternalIdentity, type SignInFlow, type SsoStore } from '../sso.js';
import { CLAIM_NAME, type Guard } from './accounts.js';

interface FlowRow {
  state: string;
  nonce: string;
  verifier: string;
  expires_at: number;
}

/** Single sign-on identities and flows on the store's SQLite connection. */
export class SqliteSso implements SsoStore {
  private readonly statements;

  constructor(
    private readonly db: Database.Database,
    private readonly guard: Guard,
  ) {
    this.statements = {
      byIdentity: db.prepare<[string, string], Account>(
        'SELECT a.id, a.username FROM sso_identities i JOIN accounts a ON a.id = i.account_id WHERE i.issuer = ? AND i.subject = ?',
      ),
      // OR IGNORE: a name taken by another account is answered below, as NameTakenError.
      insertAccount: db.prepare<[string, string, string, number], { id: number }>(
        'INSERT OR IGNORE INTO accounts (username, username_key, password_hash, created_at) VALUES (?, ?, ?, ?) RETURNING id',
      ),
      claimName: db.prepare<{ key: string; name: string; holder: string; expiresAt: null; now: number; guest: null }, { name_key: string }>(CLAIM_NAME),
      bind: db.prepare<[string, string, number, number]>('INSERT INTO sso_identities (issuer, subject, account_id, created_at) VALUES (?, ?, ?, ?)'),
      audit: db.prepare<[number, string, string, string, string, number | null, string]>(
        'INSERT INTO audit_log (at, actor, actor_name, action, target, room_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      forgetFlows: db.prepare<[number]>('DELETE FROM sso_flows WHERE expires_at <= ?'),
      insertFlow: db.prepare<[string, string, string, string, number]>(
        'INSERT INTO sso_flows (id_hash, state, nonce, verifier, expires_at) VALUES (?, ?, ?, ?, ?)',
      ),
      takeFlow: db.prepare<[string], FlowRow>('DELETE FROM sso_flows WHERE id_hash = ? RETURNING state, nonce, verifier, expires_at'),
    };
  }

  async accountByIdentity(identity: ExternalIdentity): Promise<Account | undefined> {
    return this.guard(() => this.statements.byIdentity.get(identity.issuer, identity.subject));
  }

  async createBoundAccount(draft: BoundAccountDraft, now: number): Promise<BoundAccount> {
    const { byIdentity, insertAccount, claimName, bind, audit } = this.statements;
    const create = this.db.transaction((): BoundAccount => {
      // Inside the write lock, so a racing first sign-in of the same identity is seen here.
      const bound = byIdentity.get(draft.issuer, draft.subject);
      if (bound) return { account: bound, created: false };
      const row = insertAccount.get(draft.username, loginKey(draft.username), NO_PASSWORD, now);
      if (!row) throw new NameTakenError(`the name ${draft.username} is taken`);
      const holder = `a:${row.id}`;
      // Throwing rolls the account back: the name (or a look-alike) is someone else's.
      if (!claimName.get({ key: nameKey(draft.username), name: draft.username, holder, expiresAt: null, now, guest: null })) {
        throw new NameTakenError(`the name ${draft.username} is taken`);
      }
      bind.run(draft.issuer, draft.subject, row.id, now);
      const entry = draft.audit;
      audit.run(entry.at, holder, entry.actorName, entry.action, holder, entry.roomId, entry.detail);
      return { account: { id: row.id, username: draft.username }, created: true };
    });
    return this.guard(() => create.immediate());
  }

  async saveFlow(flow: SignInFlow, now: number): Promise<void> {
    const { forgetFlows, insertFlow } = this.statements;
    const save = this.db.transaction(() => {
      forgetFlows.run(now);
      insertFlow.run(flow.idHash, flow.state, flow.nonce, flow.verifier, flow.expiresAt);
    });
    this.guard(() => save.immediate());
  }

  async takeFlow(idHash: string, now: number): Promise<SignInFlow | undefined> {
    const row = this.guard(() => this.statements.takeFlow.get(idHash));
    if (!row || row.expires_at <= now) return undefined;
    return { idHash, state: row.state, nonce: row.nonce, verifier: row.verifier, expiresAt: row.expires_at };
  }
}
