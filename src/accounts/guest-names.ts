import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import type { ParleyServer, ParleySocket } from '../types.js';
import { automaticGuestName, isAutomaticGuestName } from './names.js';

/**
 * A guest's name is a lease in the store. This server renews the leases of its connected
 * guests every RENEW_INTERVAL_MS; a server that crashes stops renewing, so its guests'
 * names free themselves within LEASE_MS.
 */
export const LEASE_MS = 15_000;
const RENEW_INTERVAL_MS = 5_000;

/** Guest nickname leases: claim at handshake and rename, renew while connected, release on leave. */
export class GuestNames {
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly io: ParleyServer,
    private readonly store: Store,
    private readonly log: Logger,
    /** Whether other servers may hold sockets of the same guest (cluster or Redis adapter). */
    private readonly clustered: boolean,
  ) {
    this.timer = setInterval(() => void this.renew(), RENEW_INTERVAL_MS);
    this.timer.unref();
  }

  /**
   * The guest's name: the one it chose before, if nobody took it since (renewing its lease),
   * else its automatic name, which takes no lease: a new connection writes nothing.
   */
  async nameFor(holder: string): Promise<string> {
    const previous = await this.store.accounts.guestNameOf(holder);
    if (previous !== undefined && !isAutomaticGuestName(previous) && (await this.claim(previous, holder))) return previous;
    return automaticGuestName(holder);
  }

  /** Leases `name` to `holder`; false when an account or another online guest has it. */
  claim(name: string, holder: string): Promise<boolean> {
    const now = Date.now();
    return this.store.accounts.claimGuestName(name, holder, now + LEASE_MS, now);
  }

  /** Ends the lease now, whatever other connections the guest has (it signed in). */
  async release(holder: string): Promise<void> {
    await this.store.accounts.releaseGuestName(holder, Date.now(), Number.MAX_SAFE_INTEGER);
  }

  /**
   * A guest's socket left: when it was the guest's last connection anywhere, the name is
   * free at once. A connection of the guest that claimed or renewed after `since` (another
   * tab connecting meanwhile) keeps it; if that check cannot be made, the lease runs out.
   */
  async left(socket: ParleySocket, scope: string | undefined): Promise<void> {
    const { user } = socket.data;
    // An automatic name holds no lease to free.
    if (user.kind !== 'guest' || isAutomaticGuestName(user.name)) return;
    const since = Date.now();
    try {
      if (scope !== undefined) {
        const others = this.clustered
          ? await this.io.in(scope).fetchSockets()
          : [...(this.io.of('/').adapter.rooms.get(scope) ?? [])];
        if (others.length > 0) return;
      }
      await this.store.accounts.releaseGuestName(user.id, Date.now(), since);
    } catch (error) {
      this.log.warn({ err: error, userId: user.id }, 'guest name not released; its lease will run out');
    }
  }

  /** Stops renewing (shutdown); the leases run out unless another server renews them. */
  close(): void {
    clearInterval(this.timer);
  }

  private async renew(): Promise<void> {
    const holders = new Set<string>();
    for (const socket of this.io.of('/').sockets.values()) {
      const { user } = socket.data;
      if (user?.kind === 'guest' && !isAutomaticGuestName(user.name)) holders.add(user.id);
    }
    const now = Date.now();
    try {
      await this.store.accounts.renewGuestNames([...holders], now + LEASE_MS, now);
    } catch (error) {
      this.log.warn({ err: error, guests: holders.size }, 'guest name leases not renewed; retrying next round');
    }
  }
}
