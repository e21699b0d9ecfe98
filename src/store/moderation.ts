/**
 * The moderation part of the storage seam: account roles, bans and mutes in force, and the
 * audit log of every moderation action. Users are named by their public id (`a:<n>` for
 * accounts, `g:<random>` for guests), the id messages and presence carry.
 */

/** What an account may do beyond chatting. Guests are always members. */
export type Role = 'member' | 'moderator' | 'admin';

export const ROLES: readonly Role[] = ['member', 'moderator', 'admin'];

/**
 * A ban (the user may not connect at all) or a mute (the user may not write in one room).
 * One per user and kind and room: a new one replaces the old.
 */
export interface Restriction {
  readonly kind: 'ban' | 'mute';
  readonly userId: string;
  /** The muted room; null for a ban. */
  readonly roomId: number | null;
  readonly reason: string;
  /** Who imposed it: a user id, or `token:<…>` for the HTTP admin API. */
  readonly by: string;
  readonly createdAt: number;
  /** Milliseconds since the epoch when it ends by itself; null for until lifted. */
  readonly expiresAt: number | null;
}

/** One moderation action, as kept in the audit log. */
export interface AuditDraft {
  readonly at: number;
  /** Who did it: a user id, or `token:<…>` for the HTTP admin API. */
  readonly actor: string;
  /** The actor's name as shown then. */
  readonly actorName: string;
  /** `kick`, `ban`, `unban`, `mute`, `unmute`, `move-in`, `move-out`, `delete`, `announce`, `role`. */
  readonly action: string;
  /** The user acted on, when there is one. */
  readonly target: string | null;
  readonly roomId: number | null;
  /** The rest, for people: a reason, a role, an offset, an announcement's text. */
  readonly detail: string;
}

/** A stored audit entry: newer entries have higher ids. */
export interface AuditEntry extends AuditDraft {
  readonly id: number;
}

/** An account with a role above member. */
export interface StaffAccount {
  readonly id: number;
  readonly username: string;
  readonly role: Exclude<Role, 'member'>;
}

export interface ModerationStore {
  /** An account's stored role; 'member' when it has none or does not exist. */
  roleOf(accountId: number): Promise<Role>;
  /** Every account whose role is above member (moderators and admins), by id. */
  staff(): Promise<StaffAccount[]>;
  /** Stores an account's role and its audit entry, in one transaction. */
  setRole(accountId: number, role: Role, audit: AuditDraft): Promise<void>;
  /** Stores a ban or mute (replacing the user's one of that kind and room) and its audit entry, in one transaction. */
  restrict(restriction: Restriction, audit: AuditDraft): Promise<void>;
  /**
   * Lifts the user's ban (`roomId` null) or mute in `roomId`, recording `audit` when there
   * was one; true when there was one in force.
   */
  lift(kind: Restriction['kind'], userId: string, roomId: number | null, audit: AuditDraft): Promise<boolean>;
  /** Every ban and mute in force at `now` (not expired), oldest first. */
  restrictions(now: number): Promise<Restriction[]>;
  /** Records an action that changes nothing else stored here (kick, move, delete, announce). */
  recordAudit(audit: AuditDraft): Promise<void>;
  /** Up to `limit` audit entries, newest first, with id < `before` when given. */
  auditLog(before: number | null, limit: number): Promise<AuditEntry[]>;
}
