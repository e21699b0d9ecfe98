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
 * The roles of users, as stored on accounts: given by admins (`mod:role`, the admin API) and
 * by the operator on the server (`npm run admin`, src/admin.ts), never by a name a remote
 * party could choose.
 */
export class Roles {
  constructor(private readonly store: Store) {}

  /** The stored role of the user with this id (`a:<n>` accounts; guests are members). */
  async of(userId: string): Promise<Role> {
    const account = /^a:(\d+)$/.exec(userId)?.[1];
    if (account === undefined) return 'member';
    return this.store.moderation.roleOf(Number(account));
  }
}
