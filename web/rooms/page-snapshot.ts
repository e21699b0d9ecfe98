import type { PublicUser, RoomEvent, RoomSummary } from '../../src/shared/events.js';

/** One room as the page last knew it: its summary, and its newest events up to where the tab had followed it. */
export interface RoomSnapshot {
  /** `head` is where this tab had followed the room to, every event up to it received; `epoch` the history epoch of `head` and `events`. */
  readonly summary: RoomSummary;
  /** Oldest first, all at or below `summary.head`. */
  readonly events: readonly RoomEvent[];
}

/** What a reload shows while the server cannot be reached. */
export interface PageSnapshot {
  /** 2: summaries carry their history epoch (a snapshot of version 1 is not shown: its offsets' epoch is unknown). */
  readonly version: 2;
  readonly savedAt: number;
  readonly me: PublicUser | undefined;
  readonly activeRoomId: number | undefined;
  readonly rooms: readonly RoomSnapshot[];
}

const KEY = 'parley.snapshot';
/** Events kept per room: a screenful and more. */
export const SNAPSHOT_EVENTS = 50;
/** localStorage holds about 5 MB an origin; the snapshot keeps well under it. */
const MAX_CHARACTERS = 1_500_000;

/**
 * The page's last known rooms and history, in localStorage, so that a reload (or a new
 * tab) while the server is unreachable shows them, with the messages still waiting to be
 * sent, instead of a blank page. Best effort: storage may be blocked or full; a snapshot
 * too large drops the oldest events of each room until it fits. Cleared when the person
 * signs in as someone else or out.
 */
export const pageSnapshot = {
  load(): PageSnapshot | undefined {
    try {
      const parsed: unknown = JSON.parse(localStorage.getItem(KEY) ?? 'null');
      return isSnapshot(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  },

  save(snapshot: PageSnapshot): void {
    try {
      let keep = SNAPSHOT_EVENTS;
      let text = JSON.stringify(snapshot);
      while (text.length > MAX_CHARACTERS && keep > 0) {
        keep = Math.floor(keep / 2);
        text = JSON.stringify({ ...snapshot, rooms: snapshot.rooms.map((room) => ({ ...room, events: room.events.slice(-keep) })) });
      }
      localStorage.setItem(KEY, text);
    } catch {
      // Not kept: a reload while offline shows less, nothing else depends on it.
    }
  },

  clear(): void {
    try {
      localStorage.removeItem(KEY);
    } catch {
      // Nothing kept to clear.
    }
  },
};

function isSnapshot(value: unknown): value is PageSnapshot {
  if (typeof value !== 'object' || value === null) return false;
  const { version, rooms } = value as Record<string, unknown>;
  return (
    version === 2 &&
    Array.isArray(rooms) &&
    rooms.every((room: unknown) => {
      if (typeof room !== 'object' || room === null) return false;
      const { summary, events } = room as Record<string, unknown>;
      return (
        typeof summary === 'object' &&
        summary !== null &&
        typeof (summary as RoomSummary).id === 'number' &&
        typeof (summary as RoomSummary).epoch === 'string' &&
        Array.isArray(events)
      );
    })
  );
}
