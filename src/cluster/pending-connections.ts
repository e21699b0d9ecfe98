/** The caps on connections whose request line has not arrived yet. */
export interface PendingCaps {
  /** Connections waiting, in all. */
  readonly maxPending: number;
  /** Connections waiting from one remote address. */
  readonly maxPendingPerAddress: number;
}

/** Why a waiting connection was shed to make room for a newer one. */
export type ShedReason = 'pendingFull' | 'addressFull';

/** A connection `admit` took out of the queue to make room, and why. */
export interface Shed<Connection> {
  readonly connection: Connection;
  readonly reason: ShedReason;
}

/**
 * The connections waiting for their request line, by remote address, oldest first. A full
 * queue never turns a newcomer away: it sheds the oldest connection of the address that
 * holds the most (or of the newcomer's own address, when that one is at its cap), because
 * a connection that has waited longest is the likeliest never to send a request line,
 * and a newcomer may be a health check or the next poll of an established session, which
 * can only be told apart once its request line has arrived. An address that holds one or
 * two connections (a browser, a probe) is shed only when no other address holds more.
 *
 * Every operation is O(1): addresses are kept in buckets by how many connections they
 * hold, so the fullest one is found without a scan. Among addresses holding equally many,
 * the one that has held that many the longest is shed first.
 */
export class PendingConnections<Connection> {
  private readonly addressOf = new Map<Connection, string>();
  /** Each address's waiting connections, in arrival order (a Set iterates in insertion order). */
  private readonly byAddress = new Map<string, Set<Connection>>();
  /** Addresses by how many connections they hold (at least 1), in the order they got there. */
  private readonly byCount = new Map<number, Set<string>>();
  private mostHeld = 0;

  constructor(private readonly caps: PendingCaps) {}

  /** Connections waiting now. */
  get size(): number {
    return this.addressOf.size;
  }

  /** Connections waiting from `address` now. */
  heldBy(address: string): number {
    return this.byAddress.get(address)?.size ?? 0;
  }

  /**
   * Adds a newly accepted connection. When a cap is full, first takes out the connection
   * to shed and returns it; the caller closes it.
   */
  admit(connection: Connection, address: string): Shed<Connection> | undefined {
    let shed: Shed<Connection> | undefined;
    if (this.heldBy(address) >= this.caps.maxPendingPerAddress) {
      shed = this.shedOldestOf(address, 'addressFull');
    } else if (this.size >= this.caps.maxPending) {
      const fullest = this.byCount.get(this.mostHeld)?.values().next().value;
      if (fullest !== undefined) shed = this.shedOldestOf(fullest, 'pendingFull');
    }
    const held = this.byAddress.get(address) ?? new Set<Connection>();
    held.add(connection);
    this.byAddress.set(address, held);
    this.addressOf.set(connection, address);
    this.moveAddress(address, held.size - 1, held.size);
    return shed;
  }

  /** Takes a connection out (its request line arrived, or it closed); nothing if it is not in. */
  remove(connection: Connection): void {
    const address = this.addressOf.get(connection);
    if (address === undefined) return;
    this.addressOf.delete(connection);
    const held = this.byAddress.get(address);
    if (!held) return;
    held.delete(connection);
    if (held.size === 0) this.byAddress.delete(address);
    this.moveAddress(address, held.size + 1, held.size);
  }

  private shedOldestOf(address: string, reason: ShedReason): Shed<Connection> | undefined {
    const oldest = this.byAddress.get(address)?.values().next().value;
    if (oldest === undefined) return undefined;
    this.remove(oldest);
    return { connection: oldest, reason };
  }

  private moveAddress(address: string, from: number, to: number): void {
    if (from > 0) {
      const bucket = this.byCount.get(from);
      bucket?.delete(address);
      if (bucket?.size === 0) this.byCount.delete(from);
    }
    if (to > 0) {
      const bucket = this.byCount.get(to) ?? new Set<string>();
      bucket.add(address);
      this.byCount.set(to, bucket);
    }
    // Counts move by one, so the highest non-empty bucket is at most one step away.
    if (to > this.mostHeld) this.mostHeld = to;
    while (this.mostHeld > 0 && !this.byCount.has(this.mostHeld)) this.mostHeld -= 1;
  }
}
