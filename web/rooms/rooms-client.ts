import type { DirectoryRoom, PublicUser, RoomEvent, RoomSummary } from '../../src/shared/events.js';
import { Attention } from './attention.js';
import { Composer, type ComposerElements } from './composer.js';
import type { ConnectionStatus } from '../shared/connection-status.js';
import { HistoryLoader } from './history-loader.js';
import { MentionCompletion } from './mention-completion.js';
import { MessageList } from '../shared/message-list.js';
import { pageSnapshot, SNAPSHOT_EVENTS, type PageSnapshot } from './page-snapshot.js';
import { PresenceList } from './presence-list.js';
import { RoomDirectoryView, type DirectoryElements } from './room-directory-view.js';
import { RoomListView } from './room-list-view.js';
import { ReadMarker } from './read-marker.js';
import { RoomProgress } from './room-progress.js';
import { RoomState } from './room-state.js';
import { RoomTimeline } from './room-timeline.js';
import { RoomWriter } from './room-writer.js';
import { request, type ChatSocket } from '../shared/rpc.js';
import { TypingLine, TypingNotifier } from './typing.js';
import { UndoDelete } from './undo-delete.js';

/** The page's elements that the room protocol drives. */
export interface RoomsElements {
  /** Scrolls the log of the room on screen. */
  readonly scroller: HTMLElement;
  readonly title: HTMLElement;
  readonly leave: HTMLButtonElement;
  /** Says when older history loads, or that there is none. */
  readonly historyState: HTMLElement;
  readonly typing: HTMLElement;
  /** Refusals that belong to no message (an edit not saved, a room not created). */
  readonly alert: HTMLElement;
  /** The person's own rooms. */
  readonly rooms: { readonly joined: HTMLUListElement; readonly direct: HTMLUListElement };
  /** Browsing the other public rooms. */
  readonly directory: DirectoryElements;
  readonly online: HTMLUListElement;
  readonly createRoom: HTMLFormElement;
  readonly composer: ComposerElements;
  /** "Jump to latest (n new)", shown while messages wait below the reader. */
  readonly jump: HTMLButtonElement;
  /** The names `@` completes, under the message box. */
  readonly mentionChoices: HTMLUListElement;
  /** "Notify me of mentions and direct messages", while the browser has not asked the person yet. */
  readonly enableNotifications: HTMLButtonElement;
  /** "Message deleted. Undo", for a few seconds after a deletion. */
  readonly undoDelete: { readonly element: HTMLElement; readonly undo: HTMLButtonElement };
}

const DEFAULT_ROOM = 'general';
const ACTIVE_KEY = 'parley.active-room';
/** How often a visible page asks for its room list and directory page again, for rooms others created. */
const ROOM_LIST_REFRESH_MS = 30_000;
/** How long after a change the page's snapshot is written (./page-snapshot.ts): once per burst. */
const SNAPSHOT_DELAY_MS = 1000;

/**
 * The page in the room protocol: the rooms this person follows, each followed from the
 * offset its events reached (sent as `auth.rooms` on every handshake, so a reconnect
 * resumes each room exactly after what this tab has), the room on screen, and this tab's
 * pending requests.
 */
export class RoomsClient {
  private readonly rooms = new Map<number, RoomState>();
  private activeId: number | undefined;
  private readonly writer: RoomWriter;
  private readonly readMarker: ReadMarker;
  private readonly view: RoomListView;
  private readonly directory: RoomDirectoryView;
  private readonly presence: PresenceList;
  private readonly typingLine: TypingLine;
  private readonly composer: Composer;
  private readonly history: HistoryLoader;
  private readonly attention: Attention;
  private readonly undoDelete: UndoDelete;
  private me: PublicUser | undefined;
  private sidebarScheduled = false;
  private snapshotTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly socket: ChatSocket,
    private readonly elements: RoomsElements,
    status: ConnectionStatus,
  ) {
    const user = (): PublicUser | undefined => this.me;
    this.view = new RoomListView(elements.rooms, { open: (id) => this.open(id) });
    this.directory = new RoomDirectoryView(socket, elements.directory, {
      follows: (roomId) => this.rooms.get(roomId)?.summary.member === true && this.rooms.get(roomId)?.progress !== undefined,
      join: (room) => void this.joinListed(room),
    });
    this.presence = new PresenceList(elements.online, user, (other) => void this.openDirect(other));
    this.typingLine = new TypingLine(elements.typing, user);
    this.history = new HistoryLoader(socket, elements.scroller, elements.historyState, () => this.active());
    this.attention = new Attention(elements.enableNotifications, (roomId) => this.open(roomId));
    this.undoDelete = new UndoDelete(elements.undoDelete);
    // Before the composer, so that its keys (Enter takes a name) come first.
    new MentionCompletion(socket, elements.composer.input, elements.mentionChoices, () => this.activeId);
    this.composer = new Composer(elements.composer, new TypingNotifier((roomId, typing) => socket.emit('typing', { roomId, typing })), {
      roomId: () => this.activeId,
      send: (roomId, text) => this.writer.message(roomId, text),
      edit: (roomId, target, text) => this.writer.edit(roomId, target, text),
    });
    this.writer = new RoomWriter(
      socket,
      {
        get: (roomId) => this.rooms.get(roomId),
        follow: (room, after) => this.follow(room, after),
        progressed: () => {
          this.progressed();
          // The snapshot keeps this tab's own messages too, once acknowledged.
          this.scheduleSnapshot();
        },
        me: user,
        alert: (text) => (elements.alert.textContent = text),
      },
      status,
    );
    this.readMarker = new ReadMarker(socket, () => this.active(), () => this.renderSidebar());

    socket.on('room:event', (event) => this.received(event));
    elements.jump.addEventListener('click', () => this.active()?.timeline.list.jumpToLatest());
    socket.on('room:added', (summary) => this.upsert(summary));
    // The history was replaced (a backup restored): upsert sees the new epoch and reloads the room.
    socket.on('room:reset', (summary) => this.upsert(summary));
    socket.on('room:removed', (roomId) => this.removed(roomId));
    socket.on('room:read', (summary) => {
      const room = this.rooms.get(summary.id);
      if (room) this.updateRoom(room, summary);
      this.renderSidebar();
    });
    socket.on('presence', (notice) => {
      if (notice.roomId === null) {
        if (notice.was) this.presence.replaced(notice.was, notice.user);
        else this.presence.update(notice.user, notice.status !== 'offline');
      } else this.notice(notice.roomId, notice.user, notice.status, notice.was);
    });
    socket.on('presence:renamed', (user) => {
      this.presence.renamed(user);
      for (const room of this.rooms.values()) room.timeline.renamed(user);
    });
    socket.on('typing', (roomId, typist, typing) => this.typingLine.received(roomId, typist, typing));
    elements.createRoom.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.create(new FormData(elements.createRoom).get('name'));
    });
    elements.leave.addEventListener('click', () => void this.leave());
    // Public rooms that others create (and names others change) reach this page only
    // through the lists: ask again when the person comes back to the window, and now and
    // then while they look.
    window.addEventListener('focus', () => void this.reconnected());
    window.addEventListener('pagehide', () => this.saveSnapshot());
    setInterval(() => {
      if (document.visibilityState === 'visible' && socket.connected) void Promise.all([this.refreshRooms(), this.directory.search()]);
    }, ROOM_LIST_REFRESH_MS);
  }

  /**
   * Starts from the first room list: follows the rooms, opens one (resolving once it is on
   * screen, so nothing typed finds no room), resends what a reload left.
   */
  async start(list: readonly RoomSummary[]): Promise<void> {
    this.reconcile(list);
    const stored = Number(sessionStorage.getItem(ACTIVE_KEY));
    const general = [...this.rooms.values()].find((room) => room.summary.kind === 'public' && room.summary.name === DEFAULT_ROOM);
    const first = this.rooms.get(stored)?.progress ? stored : general?.summary.id;
    if (first !== undefined && !this.rooms.get(first)?.progress) await this.join(first, false);
    else if (first !== undefined) this.open(first);
    this.writer.restore();
    void this.refreshPresence();
    void this.directory.search();
  }

  /** A reconnect: the server resumed every followed room from `auth.rooms`; refresh the rest. */
  async reconnected(): Promise<void> {
    this.history.opened();
    await Promise.all([this.refreshRooms(), this.refreshPresence(), this.directory.search()]);
  }

  /**
   * Shows what the page last knew (a reload while the server is unreachable): the rooms,
   * each followed from where the tab had received everything, with its newest events. The
   * next connection resumes each room there, so nothing is missed or shown twice. Called
   * before `start`.
   */
  restore(snapshot: PageSnapshot): void {
    if (snapshot.me) this.identify(snapshot.me);
    for (const { summary, events } of snapshot.rooms) {
      const room = this.upsert(summary);
      for (const event of events) if (event.roomId === summary.id) room.timeline.apply(event);
    }
    try {
      if (snapshot.activeRoomId !== undefined && sessionStorage.getItem(ACTIVE_KEY) === null) sessionStorage.setItem(ACTIVE_KEY, String(snapshot.activeRoomId));
    } catch {
      // The default room opens instead.
    }
  }

  /**
   * Signed in or out: another user, with other memberships and read markers. The default
   * room is followed by everyone, so it is joined again; other rooms the new user is not a
   * member of stop.
   */
  private async resync(): Promise<void> {
    const list = await request(this.socket, 'room:list', {});
    if (!list.ok) return;
    this.reconcile(list.data);
    for (const summary of list.data) {
      const room = this.rooms.get(summary.id);
      if (summary.member || !room?.progress) continue;
      if (summary.kind === 'public' && summary.name === DEFAULT_ROOM) void this.follow(room, room.progress.contiguous);
      else this.removed(summary.id);
    }
    await this.refreshPresence();
  }

  private async refreshRooms(): Promise<void> {
    const list = await request(this.socket, 'room:list', {});
    if (list.ok) this.reconcile(list.data);
  }

  /** This tab's identity changed (or became known): own messages, names and lists follow. */
  identify(user: PublicUser): void {
    const switched = this.me !== undefined && this.me.id !== user.id;
    // Someone else's rooms and history are not kept for the next reload.
    if (switched) pageSnapshot.clear();
    this.me = user;
    if (switched) void this.resync();
    for (const room of this.rooms.values()) room.timeline.renderAll();
    this.presence.render();
    this.renderSidebar();
  }

  /** Whether this user moderates (set by the page from `mod:me`); moderators may remove any message of a public room. */
  canModerate: () => boolean = () => false;

  /** The room on screen. */
  activeRoom(): RoomSummary | undefined {
    return this.active()?.summary;
  }

  /** Who is online now. */
  onlineUsers(): PublicUser[] {
    return this.presence.users();
  }

  /** The name of a room this tab knows, for messages about it. */
  roomName(roomId: number): string {
    return this.rooms.get(roomId)?.label(this.me) ?? `room ${roomId}`;
  }

  /**
   * Shows message `offset` of `roomId` (a search hit): joins a public room not followed yet,
   * opens the room, loads older history until the message is there, scrolls to it and marks it.
   */
  async showMessage(roomId: number, offset: number, roomName: string): Promise<void> {
    if (!this.rooms.get(roomId)?.progress) {
      // Epoch unknown (''): the join's answer brings it.
      if (!this.rooms.has(roomId)) this.upsert({ id: roomId, name: roomName, kind: 'public', head: offset, readOffset: 0, unread: 0, mentions: 0, member: false, epoch: '' });
      await this.join(roomId, false);
    } else {
      this.open(roomId);
    }
    if (!(await this.history.loadUntil(offset))) {
      this.elements.alert.textContent = 'That message is no longer there.';
      return;
    }
    // After the frame in which the log keeps its newest message in view (it did while
    // pages were added above); `reveal` then stops that following.
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    const list = this.rooms.get(roomId)?.timeline.list;
    const item = list?.at(offset);
    if (!list || !item) return;
    list.reveal(item);
    for (const marked of Array.from(this.elements.scroller.querySelectorAll<HTMLElement>('[data-found]'))) delete marked.dataset.found;
    item.dataset.found = 'true';
  }

  /** Redraws every room's messages (e.g. the reader became a moderator). */
  rerender(): void {
    for (const room of this.rooms.values()) room.timeline.renderAll();
  }

  private showJump(count: number): void {
    const { jump } = this.elements;
    jump.hidden = count === 0;
    const text = `Jump to latest (${count} new)`;
    if (jump.textContent !== text) jump.textContent = text;
  }

  private async moderate(roomId: number, target: number): Promise<void> {
    if (!window.confirm('Remove this message for everyone?')) return;
    const answer = await request(this.socket, 'mod:delete', { roomId, target });
    if (!answer.ok) this.elements.alert.textContent = `Not removed: ${answer.message}`;
  }

  private active(): RoomState | undefined {
    return this.activeId === undefined ? undefined : this.rooms.get(this.activeId);
  }

  private reconcile(list: readonly RoomSummary[]): void {
    for (const summary of list) this.upsert(summary);
  }

  /**
   * Takes a summary of a room from the server. One of another history epoch than what this
   * tab holds of the room (a backup was restored) replaces the room's state: its log,
   * progress and place are dropped, and it is followed again from the new head, older
   * history loading page by page as for a room opened the first time.
   */
  private upsert(summary: RoomSummary): RoomState {
    let room = this.rooms.get(summary.id);
    if (room) room = this.updateRoom(room, summary);
    else {
      const list = new MessageList(document.createElement('ol'), this.elements.scroller);
      list.onUnseen = (count) => {
        if (this.activeId === summary.id) this.showJump(count);
      };
      const timeline = new RoomTimeline(summary.id, list, () => this.me, {
        edit: (target, text) => this.composer.startEdit(summary.id, target, text),
        delete: (target) => this.undoDelete.start(list.at(target), () => this.writer.delete(summary.id, target)),
        react: (target, emoji, on) => this.writer.react(summary.id, target, emoji, on),
        canModerate: () => this.canModerate() && summary.kind === 'public',
        moderate: (target) => void this.moderate(summary.id, target),
      });
      room = new RoomState(summary, timeline);
      this.rooms.set(summary.id, room);
    }
    if (summary.member && !room.progress) void this.follow(room);
    this.renderSidebar();
    return room;
  }

  /**
   * A newer summary of a room this tab knows: its marker and counts move; of another history
   * epoch, the room is reloaded (a summary for a state the page has replaced already is dropped).
   * Returns the room's state now.
   */
  private updateRoom(room: RoomState, summary: RoomSummary): RoomState {
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
    this.writer.moved(roomId);
    if (this.activeId === roomId) this.open(roomId);
    this.progressed();
    return room;
  }

  /**
   * Follows `room` after `after` (its head when first followed: older history is loaded
   * page by page when shown): the server sends what comes after, once, in order. Presents
   * the epoch of what the tab holds; one the server no longer has (EPOCH_CHANGED) makes the
   * page ask for its rooms again, whose new summaries reload the room (upsert).
   */
  private follow(room: RoomState, after = room.resumeAfter ?? room.summary.head): Promise<unknown> {
    room.progress ??= new RoomProgress(after);
    this.progressed();
    const epoch = room.epoch === undefined ? {} : { epoch: room.epoch };
    room.joined = request(this.socket, 'room:join', { roomId: room.summary.id, after, ...epoch }).then(async (answer) => {
      if (answer.ok) this.updateRoom(room, answer.data);
      else if (answer.error === 'EPOCH_CHANGED') await this.refreshRooms();
      else if (answer.error !== 'NO_ANSWER') {
        // A reconnect resumes a room whose join got no answer; a refusal is final.
        room.progress = undefined;
        this.progressed();
      }
      this.renderSidebar();
    });
    return room.joined;
  }

  /** Tells the next handshake where each followed room stopped. */
  private progressed(): void {
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

  private received(event: RoomEvent): void {
    const room = this.rooms.get(event.roomId);
    if (!room?.progress?.take(event.offset)) return; // not followed, or a replay already shown
    room.timeline.apply(event, this.writer.pendingItem(event.clientId));
    const news = room.received(event, this.me);
    if (news.unread && !event.redacted && (news.mention || room.summary.kind === 'direct')) {
      this.attention.called({ event, mention: news.mention, place: room.summary.kind === 'public' ? `# ${room.label(this.me)}` : room.label(this.me) });
    }
    if (event.kind === 'message') this.typingLine.spoke(event.roomId, event.author);
    this.progressed();
    if (event.roomId === this.activeId) this.readMarker.schedule();
    this.renderSidebar();
  }

  private notice(roomId: number, user: PublicUser, status: string, was: PublicUser | undefined): void {
    const room = this.rooms.get(roomId);
    if (!room?.progress || (status !== 'joined' && status !== 'left')) return;
    if (was) room.timeline.switched(was, user, room.progress.contiguous);
    else room.timeline.notice(user, status, room.progress.contiguous);
  }

  /** Puts `roomId` on screen: its log, its typing line, its older history, its read marker. */
  private open(roomId: number): void {
    const room = this.rooms.get(roomId);
    if (!room) return;
    this.activeId = roomId;
    try {
      sessionStorage.setItem(ACTIVE_KEY, String(roomId));
    } catch {
      // Not remembered across reloads; nothing else depends on it.
    }
    const shown = this.elements.scroller.querySelector('ol');
    if (shown !== room.timeline.list.list) {
      shown?.removeAttribute('id');
      shown?.remove();
      room.timeline.list.list.id = 'messages';
      this.elements.scroller.append(room.timeline.list.list);
      this.elements.scroller.scrollTop = this.elements.scroller.scrollHeight;
      room.timeline.list.jumpToLatest();
    }
    this.showJump(0);
    this.elements.title.textContent = room.summary.kind === 'public' ? `# ${room.label(this.me)}` : room.label(this.me);
    // The style sheet says "private conversation" beside a direct room's name.
    this.elements.title.dataset.kind = room.summary.kind;
    this.elements.leave.hidden = room.summary.kind !== 'public' || room.summary.name === DEFAULT_ROOM;
    this.elements.alert.textContent = '';
    room.timeline.markFirstUnread(room.summary.readOffset);
    this.typingLine.show(roomId);
    this.composer.roomChanged();
    this.history.opened();
    this.readMarker.schedule();
    this.renderSidebar();
  }

  /** Joins a public room this person is not a member of, and shows it. */
  private async join(roomId: number, focus = true): Promise<void> {
    const room = this.rooms.get(roomId);
    if (!room) return;
    await this.follow(room);
    if (!room.progress) {
      this.elements.alert.textContent = 'Could not join the room.';
      return;
    }
    this.open(roomId);
    if (focus) this.elements.composer.input.focus();
  }

  /** Joins a room found in the directory, which the page may know nothing else of yet. */
  private async joinListed(listed: DirectoryRoom): Promise<void> {
    if (!this.rooms.has(listed.id)) {
      // Followed from the head the directory gave; the join's answer brings the rest.
      this.upsert({ id: listed.id, name: listed.name, kind: 'public', head: listed.head, readOffset: 0, unread: 0, mentions: 0, member: false, epoch: listed.epoch });
    }
    await this.join(listed.id);
  }

  private async create(name: FormDataEntryValue | null): Promise<void> {
    const answer = await request(this.socket, 'room:create', { name: String(name ?? '').trim() });
    if (!answer.ok) {
      this.elements.alert.textContent = `Could not create the room: ${answer.message}`;
      return;
    }
    this.elements.createRoom.reset();
    this.upsert(answer.data);
    this.open(answer.data.id);
    this.elements.composer.input.focus();
  }

  private async openDirect(user: PublicUser): Promise<void> {
    const answer = await request(this.socket, 'dm:open', { userId: user.id });
    if (!answer.ok) {
      this.elements.alert.textContent = `Could not open a conversation with ${user.name}: ${answer.message}`;
      return;
    }
    this.upsert(answer.data);
    this.open(answer.data.id);
    this.elements.composer.input.focus();
  }

  private async leave(): Promise<void> {
    const room = this.active();
    if (!room) return;
    const answer = await request(this.socket, 'room:leave', { roomId: room.summary.id });
    if (answer.ok) this.removed(room.summary.id);
    else this.elements.alert.textContent = `Could not leave: ${answer.message}`;
  }

  private removed(roomId: number): void {
    const room = this.rooms.get(roomId);
    if (!room) return;
    room.resumeAfter = room.progress?.contiguous;
    room.progress = undefined;
    if (room.summary.kind === 'direct') this.rooms.delete(roomId);
    else room.update({ ...room.summary, member: false });
    this.progressed();
    if (roomId === this.activeId) {
      const general = [...this.rooms.values()].find((other) => other.summary.name === DEFAULT_ROOM && other.progress);
      if (general) this.open(general.summary.id);
    }
    this.renderSidebar();
  }

  private async refreshPresence(): Promise<void> {
    const answer = await request(this.socket, 'presence:list', {});
    if (answer.ok) this.presence.reset(answer.data);
  }

  /** What a reload shows while offline: the followed rooms, as far as this tab has received them. */
  private snapshot(): PageSnapshot {
    const rooms = [...this.rooms.values()].flatMap((room) => {
      const { progress, summary } = room;
      if (!progress || !summary.member) return [];
      const head = progress.contiguous;
      if (room.epoch === undefined) return [];
      return [
        { summary: { ...summary, head, readOffset: Math.min(summary.readOffset, head), epoch: room.epoch }, events: room.timeline.recentEvents(head, SNAPSHOT_EVENTS) },
      ];
    });
    return { version: 2, savedAt: Date.now(), me: this.me, activeRoomId: this.activeId, rooms };
  }

  private saveSnapshot(): void {
    clearTimeout(this.snapshotTimer);
    this.snapshotTimer = undefined;
    pageSnapshot.save(this.snapshot());
  }

  private scheduleSnapshot(): void {
    this.snapshotTimer ??= setTimeout(() => this.saveSnapshot(), SNAPSHOT_DELAY_MS);
  }

  /** Redraws the room lists once per frame, however many events arrive in it. */
  private renderSidebar(): void {
    this.scheduleSnapshot();
    if (this.sidebarScheduled) return;
    this.sidebarScheduled = true;
    requestAnimationFrame(() => {
      this.sidebarScheduled = false;
      const entries = [...this.rooms.values()].map((room) => ({
        id: room.summary.id,
        label: room.label(this.me),
        kind: room.summary.kind,
        member: room.summary.member && room.progress !== undefined,
        // The room being read shows no badge: its marker follows within moments, and a
        // count that appears and goes again is only a flash.
        unread: room.summary.id === this.activeId && document.visibilityState === 'visible' ? 0 : room.unread,
        mentions: room.summary.id === this.activeId && document.visibilityState === 'visible' ? 0 : room.mentions,
      }));
      this.view.render(entries, this.activeId);
      this.directory.render();
    });
  }
}
