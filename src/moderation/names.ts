import type { AuditView, RestrictionView } from '../shared/protocol/moderation.js';
import type { Store } from '../store/store.js';
import type { AuditEntry, Restriction } from '../store/moderation.js';

/**
 * The names moderators read instead of ids: the panel showed "g:Htfe…" and "room 1". Users
 * by the name they last had in a room (accounts and guests alike), else a guest's leased
 * name, else a short form of the id; the HTTP admin API as "the operator"; rooms by name.
 * One lookup per distinct id of the page asked for, so a page of 50 costs at most 100.
 */
export class NameBook {
  private readonly users = new Map<string, Promise<string>>();
  private readonly rooms = new Map<number, Promise<string | null>>();

  constructor(private readonly store: Store) {}

  user(userId: string): Promise<string> {
    let name = this.users.get(userId);
    if (!name) {
      name = this.lookUpUser(userId);
      this.users.set(userId, name);
    }
    return name;
  }

  room(roomId: number | null): Promise<string | null> {
    if (roomId === null) return Promise.resolve(null);
    let name = this.rooms.get(roomId);
    if (!name) {
      name = this.store.rooms.roomById(roomId).then((room) => (room ? (room.kind === 'public' ? `#${room.name}` : 'a direct room') : `room ${roomId}`));
      this.rooms.set(roomId, name);
    }
    return name;
  }

  private async lookUpUser(userId: string): Promise<string> {
    if (userId.startsWith('token:')) return 'the operator';
    const known = (await this.store.rooms.knownUserName(userId)) ?? (userId.startsWith('g:') ? await this.store.accounts.guestNameOf(userId) : undefined);
    return known ?? `${userId.slice(0, 8)}…`;
  }
}

/** Restrictions in force with the names of who is restricted, who did it, and where. */
export function namedRestrictions(store: Store, restrictions: readonly Restriction[]): Promise<RestrictionView[]> {
  const names = new NameBook(store);
  return Promise.all(
    restrictions.map(async (restriction) => ({
      ...restriction,
      userName: await names.user(restriction.userId),
      byName: await names.user(restriction.by),
      roomName: await names.room(restriction.roomId),
    })),
  );
}

/** Audit entries with the names of whom each acted on, and where. */
export function namedAudit(store: Store, entries: readonly AuditEntry[]): Promise<AuditView[]> {
  const names = new NameBook(store);
  return Promise.all(
    entries.map(async (entry) => ({
      ...entry,
      targetName: entry.target === null ? null : await names.user(entry.target),
      roomName: await names.room(entry.roomId),
    })),
  );
}
