/**
 * The identity part of the storage seam: accounts, their session tokens, the browser
 * sessions bound to them, and the names people go by.
 *
 * Names are one namespace. Every account's username and every guest's nickname is a row
 * keyed by `nameKey` (./name-key.ts: NFKC, letter case and UTS #39 look-alikes
 * folded), so "Alice" the account and "alice" or "Аlice" (Cyrillic А) the guest can never
 * both exist, on any worker or machine: the database's primary key decides. An account is
 * found by `loginKey` (NFKC and letter case only): a look-alike logs in as nobody.
 * An account's claim never expires; a guest's claim is a lease the guest's server renews
 * while the guest is connected, so a crashed server's guests free their names by themselves.
 *
 * Secrets never reach the store in clear: callers pass password hashes and the SHA-256 of
 * session tokens and browser session ids.
 */

/** An account as the rest of the server sees it. */
export interface Account {
  readonly id: number;
  /** As the user typed it when registering; unique among all names by look-alike, in any letter case. */
  readonly username: string;
}

/** An account with what login checks it against. */
export interface AccountCredentials extends Account {
  /** `scrypt$N$r$p$salt$hash` (see src/accounts/passwords.ts). */
  readonly passwordHash: string;
}

/** A new account. */
export interface AccountDraft {
  readonly username: string;
  readonly passwordHash: string;
  /** The guest registering: its own lease on this very name does not count as taken. */
  readonly guest?: string;
}

/** A new session: what a login hands out, stored by the hash of its token. */
export interface SessionDraft {
  readonly tokenHash: string;
  readonly accountId: number;
  /** Milliseconds since the epoch after which the token is refused. */
  readonly expiresAt: number;
  /** The hashed browser session (cookie) to bind to it: that browser is then this account. */
  readonly browserHash?: string;
  /**
   * With `browserHash`: until when the sign-in's exchange code for that browser session may be
   * traded for its cookie (`redeemExchange`), once. @default never
   */
  readonly exchangeUntil?: number;
}

/** A one-time password reset an admin issued: stored by the hash of its token. */
export interface PasswordResetDraft {
  readonly tokenHash: string;
  readonly accountId: number;
  /** Milliseconds since the epoch after which the link is refused. */
  readonly expiresAt: number;
  /** Who issued it (a user id, or `token:<…>` for the HTTP admin API). */
  readonly issuedBy: string;
}

/** What a password change or reset ended. */
export interface PasswordReplaced {
  readonly account: Account;
  /** The token hashes of the sessions it ended: their live sockets are to be disconnected. */
  readonly endedSessions: readonly string[];
}

/** A live session found for a browser. */
export interface BrowserSession {
  readonly account: Account;
  readonly tokenHash: string;
}

export interface AccountStore {
  /**
   * Creates an account and claims its name for good, atomically. Rejects with
   * `NameTakenError` when another account or a live guest lease (other than `draft.guest`'s)
   * holds the name or a look-alike of it, in any letter case; a lease of `draft.guest` on
   * any name is ended.
   */
  createAccount(draft: AccountDraft, now: number): Promise<Account>;
  /** The account with this username in any letter case (not a look-alike: see `loginKey`). */
  accountByName(username: string): Promise<AccountCredentials | undefined>;
  /**
   * Stores a session (and binds the browser to it, replacing an earlier binding), and
   * forgets sessions expired before `now`.
   */
  createSession(session: SessionDraft, now: number): Promise<void>;
  /** The account of an unexpired session token. */
  accountBySession(tokenHash: string, now: number): Promise<Account | undefined>;
  /** The account a browser session is bound to, while that session is unexpired. */
  accountByBrowser(browserHash: string, now: number): Promise<BrowserSession | undefined>;
  /**
   * Takes the one trade of a browser binding's exchange code: true the first time it is
   * asked before its `exchangeUntil`, false ever after (and for unknown or expired ones),
   * on every worker and node at once: the database decides.
   */
  redeemExchange(browserHash: string, now: number): Promise<boolean>;
  /** Ends a session: its token is refused and the browsers bound to it become guests. Idempotent. */
  deleteSession(tokenHash: string): Promise<void>;
  /** Replaces an account's password hash (a rehash at a higher cost after a successful login). */
  updatePasswordHash(accountId: number, passwordHash: string): Promise<void>;
  /** An account with its password hash, by id. */
  credentialsById(accountId: number): Promise<AccountCredentials | undefined>;
  /**
   * Replaces an account's password and ends every session of it except `keepSession`, in one
   * transaction (so no session made with the old password outlives the change); answers the
   * sessions ended, or undefined for an unknown account.
   */
  replacePassword(accountId: number, passwordHash: string, keepSession: string | undefined): Promise<PasswordReplaced | undefined>;
  /** Stores a one-time reset link of an account (replacing its earlier unused ones) and forgets expired ones. */
  createPasswordReset(reset: PasswordResetDraft, now: number): Promise<void>;
  /**
   * Takes a reset link, once: when `tokenHash` is unused and unexpired at `now`, marks it used,
   * stores `passwordHash` and ends every session of the account, in one transaction, on
   * every worker and node at once (the database decides). Undefined for an unknown, used or
   * expired link.
   */
  redeemPasswordReset(tokenHash: string, passwordHash: string, now: number): Promise<PasswordReplaced | undefined>;
  /**
   * The deployment's secret that signs browser session cookies: the one stored, or
   * `candidate` when none is stored yet (stored then). Every worker and node gets the same.
   */
  sessionSecret(candidate: string): Promise<string>;

  /**
   * Leases `name` to the guest `holder` until `expiresAt`, if no account holds it (or a
   * look-alike of it) and no other guest's lease is live at `now`; true when leased. A holder has one name: its
   * other leases are deleted.
   */
  claimGuestName(name: string, holder: string, expiresAt: number, now: number): Promise<boolean>;
  /** The name `holder` last leased, even if the lease ended, as long as nobody took it since. */
  guestNameOf(holder: string): Promise<string | undefined>;
  /**
   * Extends the leases of connected guests to `expiresAt` (also one that a racing release
   * ended, if nobody took the name since), and forgets leases ended long ago.
   */
  renewGuestNames(holders: readonly string[], expiresAt: number, now: number): Promise<void>;
  /**
   * Ends `holder`'s lease at `now` unless it was claimed or renewed at or after `since`
   * (then another connection of the guest is alive somewhere).
   */
  releaseGuestName(holder: string, now: number, since: number): Promise<void>;
}

/** The name is held by an account or by a guest who is online. */
export class NameTakenError extends Error {
  override readonly name = 'NameTakenError';
}

/** How long an ended guest lease row is kept so the guest can get its name back. */
export const ENDED_LEASE_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
