import type { NodePresence, PublicUser } from '../shared/events.js';

/** Entries kept at most, so that a deployment left without a coordinator holds bounded memory. */
const MAX_USERS = 100_000;

/**
 * Who left this server's rooms (or this server) since the coordinator last looked: they are
 * reported once more, to that next look, as if still here. Presence is sampled, so without
 * this a stay shorter than the gap between two looks would never be announced; the gap is
 * widest when there is no coordinator yet (a start, a handover), where a whole restart's
 * worth of joins and leaves would otherwise be lost.
 */
export class RecentDepartures {
  private readonly users = new Map<string, { user: PublicUser; rooms: Set<number> }>();

  /** A connection of `user` left chat room `roomId`, or this server (null). */
  record(user: PublicUser, roomId: number | null): void {
    let entry = this.users.get(user.id);
    if (!entry) {
      if (this.users.size >= MAX_USERS) return;
      this.users.set(user.id, (entry = { user, rooms: new Set() }));
    }
    if (roomId !== null) entry.rooms.add(roomId);
  }

  /** Whether anyone left since the last look. */
  get pending(): boolean {
    return this.users.size > 0;
  }

  /** `report` (this server's users now) with the departed merged in; forgets them. */
  drainInto(report: NodePresence): NodePresence {
    if (this.users.size === 0) return report;
    const merged = new Map(report.users.map((entry) => [entry.user.id, { user: entry.user, rooms: new Set(entry.rooms) }]));
    for (const [userId, gone] of this.users) {
      const entry = merged.get(userId);
      if (entry) for (const room of gone.rooms) entry.rooms.add(room);
      else merged.set(userId, { user: gone.user, rooms: new Set(gone.rooms) });
    }
    this.users.clear();
    return { ...report, users: [...merged.values()].map(({ user, rooms }) => ({ user, rooms: [...rooms].sort((a, b) => a - b) })) };
  }
}
