import type { Logger } from '../log.js';
import type { Restriction } from '../store/moderation.js';
import type { HandshakeRefusalData } from '../shared/protocol/handshake.js';
import type { Store } from '../store/store.js';

/** How often each server re-reads the bans and mutes in force, in case it missed a change. */
const REFRESH_MS = 30_000;

const muteKey = (roomId: number, userId: string): string => `${roomId}\u0000${userId}`;

/**
 * The bans and mutes in force, as this server knows them: read from the store at start,
 * again whenever a moderator changes one (every server is told, see Moderation), and every
 * 30 s in case a change notice was lost. Kept in memory because every handshake asks about
 * bans and every message about mutes; a store read on those paths would cost every user.
 */
export class Restrictions {
  private bans = new Map<string, Restriction>();
  private mutes = new Map<string, Restriction>();
  private readonly timer: NodeJS.Timeout;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
  ) {
    this.timer = setInterval(() => void this.reload().catch(() => undefined), REFRESH_MS);
    this.timer.unref();
  }

  /**
   * Reads the restrictions in force from the store. Concurrent calls share one read that
   * starts after the last call, so a change stored before calling is always seen.
   */
  reload(): Promise<void> {
    const previous = this.loading ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(async () => {
        const bans = new Map<string, Restriction>();
        const mutes = new Map<string, Restriction>();
        for (const restriction of await this.store.moderation.restrictions(Date.now())) {
          if (restriction.kind === 'ban') bans.set(restriction.userId, restriction);
          else if (restriction.roomId !== null) mutes.set(muteKey(restriction.roomId, restriction.userId), restriction);
        }
        this.bans = bans;
        this.mutes = mutes;
      });
    this.loading = next;
    next.then(
      () => {
        if (this.loading === next) this.loading = undefined;
      },
      (error: unknown) => {
        if (this.loading === next) this.loading = undefined;
        this.log.warn({ err: error }, 'bans and mutes not re-read; keeping the ones known');
      },
    );
    return next;
  }

  /** The handshake refusal of a user banned now (see bannedError); undefined when not banned. */
  readonly refuseBanned = (userId: string): Error | undefined => {
    const ban = this.banOf(userId);
    return ban && bannedError(ban);
  };

  /** The user's ban in force now, if any. */
  banOf(userId: string, now = Date.now()): Restriction | undefined {
    return inForce(this.bans.get(userId), now);
  }

  /** The user's mute in `roomId` in force now, if any. */
  muteOf(roomId: number, userId: string, now = Date.now()): Restriction | undefined {
    return inForce(this.mutes.get(muteKey(roomId, userId)), now);
  }

  close(): void {
    clearInterval(this.timer);
  }
}

const inForce = (restriction: Restriction | undefined, now: number): Restriction | undefined =>
  restriction && (restriction.expiresAt === null || restriction.expiresAt > now) ? restriction : undefined;

/** How a ban or mute reads to the person under it. */
export function describeRestriction(restriction: Restriction): string {
  const what = restriction.kind === 'ban' ? 'banned' : 'muted in this room';
  const until = restriction.expiresAt === null ? '' : ` until ${new Date(restriction.expiresAt).toISOString()}`;
  const reason = restriction.reason === '' ? '' : `: ${restriction.reason}`;
  return `${what}${until}${reason}`;
}

/**
 * The handshake refusal of a banned user: `connect_error` with the reason in its message
 * and `data` ({ code: 'BANNED', reason, until }) for clients to show.
 */
export function bannedError(ban: Restriction): Error & { data: HandshakeRefusalData } {
  return Object.assign(new Error(describeRestriction(ban)), { data: { code: 'BANNED' as const, reason: ban.reason, until: ban.expiresAt } });
}
