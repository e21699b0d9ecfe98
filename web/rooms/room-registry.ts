import type { PublicUser, RoomEvent, RoomSummary } from '../../src/shared/events.js';
import { request, type ChatSocket } from '../shared/rpc.js';
import { SNAPSHOT_EVENTS, type PageSnapshot } from './page-snapshot.js';
import { RoomProgress } from './room-progress.js';
import { RoomState } from './room-state.js';
import type { RoomTimeline } from './room-timeline.js';

/** The room everyone follows: opened first, never left. */
export const DEFAULT_ROOM = 'general';

/** What the registry needs of the rest of the room client. */
export interface RegistryHooks {
  /** Builds the log of a room the page meets for the first time. */
  timeline(summary: RoomSummary): RoomTimeline;
  /** The room's state was replaced (another history epoch): requests waiting on the old one move to it. */
  replaced(roomId: number): void;
  /** Puts a room on screen. */
  open(roomId: number): void;
  /** The rooms, their counts or which is followed changed: the lists are redrawn. */
  changed(): void;
  me(): PublicUser | undefined;
}

/**
 * The rooms this tab knows, by id, and which of them it follows, each from the offset its
 * events reached (sent as `auth.rooms` on every handshake, so a reconnect resumes each room
 * exactly after what this tab has), and which one is on screen. It holds no element: the
 * screen, the lists and the writer read it.
 */
export class RoomRegistry {
  private readonly rooms = new Map<number, RoomState>();
  /** The room on screen. */
  activeId: number | undefined;

  constructor(
    private readonly socket: ChatSocket,
    private readonly hooks: RegistryHooks,
  ) {}

  get(roomId: number): RoomState | undefined {
    return this.rooms.get(roomId);
  }

  has(roomId: number): boolean {
    return this.rooms.has(roomId);
  }

  all(): RoomState[] {
    return [...this.rooms.values()];
  }

  /** The room on screen. */
  active(): RoomState | undefined {
    return this.activeId === undefined ? undefined : this.rooms.get(this.activeId);
  }

  /** Whether this tab follows `roomId` as a member. */
  follows(roomId: number): boolean {
    const room = this.rooms.get(roomId);
    return room?.summary.member === true && room.progress !== undefined;
  }

  /** The default room, when this tab knows it (followed, with `followed`). */
  general(followed = false): RoomState | undefined {
    return this.all().find((room) => room.summary.kind === 'public' && room.summary.name === DEFAULT_ROOM && (!followed || room.progress !== undefined));
  }

  reconcile(list: readonly RoomSummary[]): void {
    for (const summary of list) this.upsert(summary);
  }

  async refresh(): Promise<void> {
    const list = await request(this.socket, 'room:list', {});
    if (list.ok) this.reconcile(list.data);
  }

  /**
   * Signed in or out: another user, with other memberships and read markers. The default
   * room is followed by everyone, so it is joined again; other rooms the new user is not a
   * member of stop, and those the server does not list for the new user (the previous
   * account's direct rooms, rooms it was only shown) leave the page altogether, log and
   * all: the page shows what the new user may see, nothing of the one before. Resolves
   * whether the server answered.
   */
  async resync(): Promise<boolean> {
    const list = await request(this.socket, 'room:list', {});
    if (!list.ok) return false;
    const listed = new Set(list.data.map((summary) => summary.id));
    const wasActive = this.activeId;
    for (const room of this.all()) if (!listed.has(room.summary.id)) this.forget(room);
    this.reconcile(list.data);
    for (const summary of list.data) {
      const room = this.rooms.get(summary.id);
      if (summary.member || !room?.progress) continue;
      if (summary.kind === 'public' && summary.name === DEFAULT_ROOM) void this.follow(room, room.progress.contiguous);
      else this.removed(summary.id);
    }
    if (wasActive !== undefined && !this.rooms.has(wasActive)) {
      const general = this.general();
      if (general) this.hooks.open(general.summary.id);
    }
    this.hooks.changed();
    return true;
  }

  /** Drops everything this tab holds of `room`: its log leaves the page, its progress the handshake. */
  private forget(room: RoomState): void {
    room.progress = undefined;
    room.timeline.list.list.remove();
    this.rooms.delete(room.summary.id);
    if (this.activeId === room.summary.id) this.activeId = undefined;
    this.progressed();
  }

  /**
   * Takes a summary of a room from the server. One of another history epoch than what this
   * tab holds of the room (a backup was restored) replaces the room's state: its log,
   * progress and place are dropped, and it is followed again from the new head, older
   * history loading page by page as for a room opened the first time.
   */
  upsert(summary: RoomSummary): RoomState {
    let room = this.rooms.get(summary.id);
    if (room) room = this.update(room, summary);
    else {
      room = new RoomState(summary, this.hooks.timeline(summary));
      this.rooms.set(summary.id, room);
    }
    if (summary.member && !room.progress) void this.follow(room);
    this.hooks.changed();
    return room;
  }

  /**
   * A newer summary of a room this tab knows: its marker and counts move; of another history
   * epoch, the room is reloaded (a summary for a state the page has replaced already is dropped).
   * Returns the room's state now.
   */
  update(room: RoomState, summary: RoomSummary): RoomState {
    if (this.rooms.get(summary.id) !== room) return this.rooms.get(summary.id) ?? room;
    if (room.epoch !== undefined && summary.epoch !== '' && summary.epoch !== room.epoch) return this.reload(room, summary);
    room.epoch ??= summary.epoch === '' ? undefined : summary.epoch;
    room.update(summary);
    return room;
  }

  /** Drops what this tab holds of `old` (another history epoch) and starts the room again from `summary`. */
  private reload(old: RoomState, summary: RoomSummary): RoomState {
    const roomId = summary.id;
    old.progress = undefined;
    old.timeline.list.list.remove();
    this.rooms.delete(roomId);
    const room = this.upsert(summary);
    this.hooks.replaced(roomId);
    if (this.activeId === roomId) this.hooks.open(roomId);
    this.progressed();
    return room;
  }

  /**
   * Follows `room` after `after` (its head when first followed: older history is loaded
   * page by page when shown): the server sends what comes after, once, in order. Presents
   * the epoch of what the tab holds; one the server no longer has (EPOCH_CHANGED) makes the
   * page ask for its rooms again, whose new summaries reload the room (upsert).
   */
  follow(room: RoomState, after = room.resumeAfter ?? room.summary.head): Promise<unknown> {
    room.progress ??= new RoomProgress(after);
    this.progressed();
    const epoch = room.epoch === undefined ? {} : { epoch: room.epoch };
    room.joined = request(this.socket, 'room:join', { roomId: room.summary.id, after, ...epoch }).then(async (answer) => {
      if (answer.ok) this.update(room, answer.data);
      else if (answer.error === 'EPOCH_CHANGED') await this.refresh();
      else if (answer.error !== 'NO_ANSWER') {
        // A reconnect resumes a room whose join got no answer; a refusal is final.
        room.progress = undefined;
        this.progressed();
      }
      this.hooks.changed();
    });
    return room.joined;
  }

  /** Tells the next handshake where each followed room stopped. */
  progressed(): void {
    const rooms: Record<string, number> = {};
    const epochs: Record<string, string> = {};
    let general: number | undefined;
    for (const room of this.rooms.values()) {
      if (!room.progress) continue;
      rooms[room.summary.id] = room.progress.contiguous;
      if (room.epoch !== undefined) epochs[room.summary.id] = room.epoch;
      if (room.summary.name === DEFAULT_ROOM && room.summary.kind === 'public') general = room.progress.contiguous;
    }
    // The tutorial's stream of the default room is not shown here: ask it for nothing old.
    this.socket.auth = { ...(this.socket.auth as Record<string, unknown>), rooms, epochs, ...(general === undefined ? {} : { serverOffset: general }) };
  }

  /** The room `event` belongs to, when this tab follows it and has not had the event yet. */
  take(event: RoomEvent): RoomState | undefined {
    const room = this.rooms.get(event.roomId);
    return room?.progress?.take(event.offset) ? room : undefined;
  }

  /** This tab stopped following `roomId` (left, removed from it); the default room comes on screen in its place. */
  removed(roomId: number): void {
    const room = this.rooms.get(roomId);
    if (!room) return;
    room.resumeAfter = room.progress?.contiguous;
    room.progress = undefined;
    if (room.summary.kind === 'direct') this.rooms.delete(roomId);
    else room.update({ ...room.summary, member: false });
    this.progressed();
    if (roomId === this.activeId) {
      const general = this.all().find((other) => other.summary.name === DEFAULT_ROOM && other.progress);
      if (general) this.hooks.open(general.summary.id);
    }
    this.hooks.changed();
  }

  /**
   * A public room to read without joining it (a search hit in a room not followed): what
   * this tab held of it from before (a room it left) is dropped, since it may end anywhere
   * below the message to show, and the room starts again from `summary`.
   */
  preview(summary: RoomSummary): RoomState {
    const known = this.rooms.get(summary.id);
    if (known && !known.progress) this.forget(known);
    return this.rooms.get(summary.id) ?? this.upsert(summary);
  }

  /** Takes the rooms of a snapshot (a reload while offline), each with its newest events. */
  restore(snapshot: PageSnapshot): void {
    for (const { summary, events } of snapshot.rooms) {
      const room = this.upsert(summary);
      for (const event of events) if (event.roomId === summary.id) room.timeline.apply(event);
    }
  }

  /** What a reload shows while offline: the followed rooms, as far as this tab has received them. */
  snapshot(): PageSnapshot {
    const rooms = this.all().flatMap((room) => {
      const { progress, summary } = room;
      if (!progress || !summary.member) return [];
      const head = progress.contiguous;
      if (room.epoch === undefined) return [];
      return [
        { summary: { ...summary, head, readOffset: Math.min(summary.readOffset, head), epoch: room.epoch }, events: room.timeline.recentEvents(head, SNAPSHOT_EVENTS) },
      ];
    });
    return { version: 2, savedAt: Date.now(), me: this.hooks.me(), activeRoomId: this.activeId, rooms };
  }
}
