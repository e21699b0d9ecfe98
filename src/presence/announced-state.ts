import type { PresenceNotice, UserPresence } from '../shared/events.js';
import type { PresenceView } from './collect.js';

/**
 * What has been announced to clients so far: who is online, and who is in which room.
 * The coordinator turns each new look at the cluster into notices against it; every other
 * server keeps a copy from the `presence:announced` broadcasts, so that whichever server
 * takes over as coordinator continues from the same state (no repeated `joined`, and the
 * old coordinator's own users still get their `left`).
 */
export class AnnouncedState {
  private readonly announced: PresenceView = new Map();
  /** When an announced user (`u|id`) or room membership (`r|room|id`) was first seen missing. */
  private readonly missingSince = new Map<string, number>();

  /**
   * The notices that bring the announced state to `current`, applied to it already.
   * Arrivals are announced at once; departures only after `graceMs` of absence.
   * Order per user: `online` before `joined`, `left` before `offline`.
   */
  advance(current: PresenceView, now: number, graceMs: number): PresenceNotice[] {
    const switched = this.switches(current);
    this.apply(switched);
    // While the new user says whom they were, a tab still under the old identity (on a
    // server that has not followed yet) is not that person coming back.
    const replaced = new Set([...current.values()].flatMap((seen) => (seen.was && seen.was.id !== seen.user.id ? [seen.was.id] : [])));
    const notices: PresenceNotice[] = [];
    for (const [userId, seen] of current) {
      if (replaced.has(userId)) continue;
      const known = this.announced.get(userId);
      // A rename keeps the id: later notices carry the new name, nothing is announced.
      if (known && known.user.name !== seen.user.name) known.user = seen.user;
      this.missingSince.delete(`u|${userId}`);
      if (!known) notices.push({ roomId: null, user: seen.user, status: 'online' });
      for (const roomId of seen.rooms) {
        this.missingSince.delete(`r|${roomId}|${userId}`);
        if (!known?.rooms.has(roomId)) notices.push({ roomId, user: seen.user, status: 'joined' });
      }
    }
    for (const [userId, known] of this.announced) {
      const seen = current.get(userId);
      const offline = !seen && this.absentFor(`u|${userId}`, now) >= graceMs;
      for (const roomId of known.rooms) {
        if (seen?.rooms.has(roomId)) continue;
        // Going offline leaves every room, whatever each room's own grace says.
        if (offline || this.absentFor(`r|${roomId}|${userId}`, now) >= graceMs) {
          notices.push({ roomId, user: known.user, status: 'left' });
        }
      }
      if (offline) notices.push({ roomId: null, user: known.user, status: 'offline' });
    }
    this.apply(notices);
    return [...switched, ...notices];
  }

  /**
   * Sign-ins and sign-outs: a user seen with `was`, an announced user, takes that user's
   * place (`online` and one `joined` per room of theirs they are still in, each with `was`)
   * instead of one person leaving and another arriving.
   */
  private switches(current: PresenceView): PresenceNotice[] {
    const notices: PresenceNotice[] = [];
    for (const seen of current.values()) {
      const was = seen.was === undefined ? undefined : this.announced.get(seen.was.id);
      if (!was || was.user.id === seen.user.id) continue;
      // Rooms the new user does not follow (a guest's direct rooms) see the old one leave.
      for (const roomId of was.rooms) if (!seen.rooms.has(roomId)) notices.push({ roomId, user: was.user, status: 'left' });
      notices.push({ roomId: null, user: seen.user, status: 'online', was: was.user });
      for (const roomId of was.rooms) if (seen.rooms.has(roomId)) notices.push({ roomId, user: seen.user, status: 'joined', was: was.user });
    }
    return notices;
  }

  /** Whether someone announced is missing but still within the grace: look again after it. */
  departuresPending(): boolean {
    return this.missingSince.size > 0;
  }

  /** Records notices announced elsewhere (by the coordinator) or here. */
  apply(notices: readonly PresenceNotice[]): void {
    for (const { roomId, user, status, was } of notices) {
      if (was !== undefined && status === 'online') this.forget(was.id);
      const entry = this.announced.get(user.id);
      if (status === 'online' || status === 'joined') {
        const target = entry ?? { user, rooms: new Set<number>() };
        this.announced.set(user.id, target);
        if (status === 'joined' && roomId !== null) target.rooms.add(roomId);
      } else if (status === 'left' && roomId !== null) {
        entry?.rooms.delete(roomId);
        this.missingSince.delete(`r|${roomId}|${user.id}`);
      } else if (status === 'offline') {
        for (const room of entry?.rooms ?? []) this.missingSince.delete(`r|${room}|${user.id}`);
        this.announced.delete(user.id);
        this.missingSince.delete(`u|${user.id}`);
      }
    }
  }

  /** Drops a user without a notice: another identity took their place. */
  private forget(userId: string): void {
    for (const room of this.announced.get(userId)?.rooms ?? []) this.missingSince.delete(`r|${room}|${userId}`);
    this.announced.delete(userId);
    this.missingSince.delete(`u|${userId}`);
  }

  /** Replaces the state with another server's copy (a starting server catching up). */
  load(users: readonly UserPresence[]): void {
    this.announced.clear();
    this.missingSince.clear();
    for (const { user, rooms } of users) this.announced.set(user.id, { user, rooms: new Set(rooms) });
  }

  /** The announced state, in the wire form of `presence:state`. */
  users(): UserPresence[] {
    return [...this.announced.values()].map(({ user, rooms }) => ({ user, rooms: [...rooms] }));
  }

  private absentFor(key: string, now: number): number {
    const since = this.missingSince.get(key);
    if (since === undefined) {
      this.missingSince.set(key, now);
      return 0;
    }
    return now - since;
  }
}
