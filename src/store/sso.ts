/**
 * The single sign-on part of the storage seam: which account each OpenID Connect identity
 * (issuer, subject) is bound to, and the sign-in flows started and not yet finished.
 *
 * An account is bound to its (issuer, subject) pair, the one thing the provider promises
 * never to reassign, and never to a name or e-mail address it claims: those change, and
 * another provider (or a password account) may claim the same ones.
 */
import type { Account } from './accounts.js';
import type { AuditDraft } from './moderation.js';

/** Who the provider says signed in: its issuer URL and the subject it gave the person. */
export interface ExternalIdentity {
  readonly issuer: string;
  readonly subject: string;
}

/** A new account bound to an identity, with its audit entry (its `target` is filled in by the store). */
export interface BoundAccountDraft extends ExternalIdentity {
  /** Already checked against the name rules; unique among all names, like any account's. */
  readonly username: string;
  readonly audit: Omit<AuditDraft, 'target' | 'actor'>;
}

/** What a first sign-in made: the account, and whether this call created it (false: a racing sign-in of the same identity did). */
export interface BoundAccount {
  readonly account: Account;
  readonly created: boolean;
}

/** A started sign-in: what the callback checks the provider's answer against. */
export interface SignInFlow {
  /** SHA-256 of the random flow id the browser's flow cookie carries. */
  readonly idHash: string;
  readonly state: string;
  readonly nonce: string;
  /** The PKCE code verifier; only its challenge went to the provider. */
  readonly verifier: string;
  /** Milliseconds since the epoch after which the flow cannot be finished. */
  readonly expiresAt: number;
}

export interface SsoStore {
  /** The account bound to `identity`, if any. */
  accountByIdentity(identity: ExternalIdentity): Promise<Account | undefined>;
  /**
   * Creates an account without a password, bound to the draft's identity, claims its name for
   * good and records its audit entry, in one transaction. When the identity is bound already
   * (two first sign-ins raced), creates nothing and answers that account. Rejects with
   * `NameTakenError` when the name (or a look-alike) is held, so the caller tries another.
   */
  createBoundAccount(draft: BoundAccountDraft, now: number): Promise<BoundAccount>;
  /** Stores a started flow, and forgets flows expired before `now`. */
  saveFlow(flow: SignInFlow, now: number): Promise<void>;
  /**
   * Takes a flow, once: the first call before its expiry answers it and deletes it, every
   * later one (a replayed callback) answers undefined, on every worker and node.
   */
  takeFlow(idHash: string, now: number): Promise<SignInFlow | undefined>;
}

/** The password column of an account made by single sign-on: no scrypt hash, so no password matches it. */
export const NO_PASSWORD = '!sso';
