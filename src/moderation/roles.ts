import { loginKey } from '../store/name-key.js';
import type { Role } from '../store/moderation.js';
import type { Store } from '../store/store.js';

/**
 * Who may moderate, in increasing power: members (every guest too), moderators, admins, and
 * the operator (a bearer of an admin token on the HTTP admin API, above every account).
 */
export type Rank = Role | 'operator';

const RANKS: readonly Rank[] = ['member', 'moderator', 'admin', 'operator'];

/** Whether `rank` is at least `needed`. */
export const atLeast = (rank: Rank, needed: Rank): boolean => RANKS.indexOf(rank) >= RANKS.indexOf(needed);

/** Whether `actor` outranks `target` (nobody moderates their equals or betters). */
export const outranks = (actor: Rank, target: Rank): boolean => RANKS.indexOf(actor) > RANKS.indexOf(target);

/**
 * The roles of users: stored on accounts by admins, and `PARLEY_ADMINS` (usernames) for the
 * first admins, who are admins whatever is stored, so a deployment always has one.
 */
export class Roles {
  private readonly configuredAdmins: ReadonlySet<string>;

  constructor(
    private readonly store: Store,
    admins: readonly string[],
  ) {
    this.configuredAdmins = new Set(admins.map(loginKey));
  }

  /** Whether `username` is one of PARLEY_ADMINS (in any letter case). */
  configuredAdmin(username: string): boolean {
    return this.configuredAdmins.has(loginKey(username));
  }

  /** The role of the user with this id and name (`a:<n>` accounts; guests are members). */
  async of(userId: string, name: string | undefined): Promise<Role> {
    const account = /^a:(\d+)$/.exec(userId)?.[1];
    if (account === undefined) return 'member';
    if (name !== undefined && this.configuredAdmin(name)) return 'admin';
    return this.store.roleOf(Number(account));
  }
}
