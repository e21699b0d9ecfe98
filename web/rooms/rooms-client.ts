import type { PublicUser, RoomSummary } from '../../src/shared/events.js';
import type { ConnectionStatus } from '../shared/connection-status.js';
import { Lifetime } from '../shared/lifetime.js';
import { MessageList } from '../shared/message-list.js';
import { request, type ChatSocket } from '../shared/rpc.js';
import { Attention } from './attention.js';
import { CommandCompletion } from './command-completion.js';
import { CommandRunner } from './command-runner.js';
import { Composer } from './composer.js';
import { HistoryLoader } from './history-loader.js';
import { MentionCompletion } from './mention-completion.js';
import { selectMessagesOnTap } from './message-select.js';
import { pageSnapshot, type PageSnapshot } from './page-snapshot.js';
import { PresenceList } from './presence-list.js';
import { ReadMarker } from './read-marker.js';
import { ReadReceiptsView } from './read-receipts.js';
import { RoomActions } from './room-actions.js';
import { RoomDirectoryView } from './room-directory-view.js';
import { RoomInbound } from './room-inbound.js';
import { RoomListView } from './room-list-view.js';
import { RoomRegistry } from './room-registry.js';
import { RoomScreen } from './room-screen.js';
import { RoomSidebar } from './room-sidebar.js';
import { RoomTimeline } from './room-timeline.js';
import { RoomWriter } from './room-writer.js';
import type { RoomsElements } from './rooms-elements.js';
import { SnapshotSaver } from './snapshot-saver.js';
import { ThreadPanel } from './thread-panel.js';
import { PinnedView } from './pinned-view.js';
import { messageLink, parseMessageLink } from './pin-marks.js';
import { TypingLine, TypingNotifier } from './typing.js';
import { UndoDelete } from './undo-delete.js';

/** How often a visible page asks for its room list and directory page again, for rooms others created. */
const ROOM_LIST_REFRESH_MS = 30_000;

/**
 * The page in the room protocol, put together: the registry of rooms (./room-registry.ts),
 * the room on screen (./room-screen.ts), what the person does to rooms (./room-actions.ts),
 * the sidebar, the writer, and what the server pushes, all built here and nowhere else.
 * Everything they start that outlives a call (listeners on the window and the socket,
 * timers, the refresh interval) ends with `stop()`.
 */
export class RoomsClient {
  private readonly lifetime = new Lifetime();
  private readonly registry: RoomRegistry;
  private readonly directory: RoomDirectoryView;
  private readonly sidebar: RoomSidebar;
  private readonly presence: PresenceList;
  private readonly history: HistoryLoader;
  private readonly undoDelete: UndoDelete;
  private readonly snapshots: SnapshotSaver;
  private readonly composer: Composer;
  private readonly writer: RoomWriter;
  private readonly screen: RoomScreen;
  private readonly actions: RoomActions;
  private readonly receipts: ReadReceiptsView;
  private readonly threads: ThreadPanel;
  private readonly pinned: PinnedView;
  private me: PublicUser | undefined;

  constructor(
    private readonly socket: ChatSocket,
    private readonly elements: RoomsElements,
    status: ConnectionStatus,
  ) {
    const { lifetime } = this;
    const user = (): PublicUser | undefined => this.me;
    const changed = (): void => this.changed();
    const open = (roomId: number): void => this.screen.open(roomId);
    this.registry = new RoomRegistry(socket, {
      timeline: (summary) => this.timeline(summary),
      replaced: (roomId) => this.writer.moved(roomId),
      open,
      changed,
      me: user,
    });
    const view = new RoomListView(elements.rooms, { open });
    this.directory = new RoomDirectoryView(lifetime, socket, elements.directory, {
      follows: (roomId) => this.registry.follows(roomId),
      join: (room) => void this.actions.joinListed(room),
    });
    this.sidebar = new RoomSidebar(lifetime, this.registry, view, this.directory, user);
    this.presence = new PresenceList(elements.online, user, (other) => void this.actions.openDirect(other));
    const typingLine = new TypingLine(lifetime, elements.typing, user);
    this.history = new HistoryLoader(socket, elements.scroller, elements.historyState, () => this.registry.active());
    selectMessagesOnTap(elements.scroller);
    const attention = new Attention(lifetime, elements.enableNotifications, open);
    // Before the snapshot's: leaving the page sends the deletion waiting, then writes the snapshot.
    this.undoDelete = new UndoDelete(lifetime, elements.undoDelete);
    this.snapshots = new SnapshotSaver(lifetime, () => this.registry.snapshot());
    // Before the composer, so that its keys (Enter takes a name) come first.
    new MentionCompletion(lifetime, socket, elements.composer.input, elements.mentionChoices, () => this.registry.activeId);
    new CommandCompletion(lifetime, socket, elements.composer.input, elements.commandChoices);
    const commands = new CommandRunner(socket, {
      message: (roomId, text, files) => this.writer.message(roomId, text, files),
      sent: (roomId, offset, text, root) => this.writer.sentByCommand(roomId, offset, text, root),
      room: (roomId) => this.registry.get(roomId),
      alert: (text) => this.screen.alert(text),
      reply: (roomId, root, text, alsoToRoom) => this.writer.reply(roomId, root, text, alsoToRoom),
      restore: (typed, root) => {
        // Back in the box it was typed in (the thread's, if that thread is still open).
        const input = root === undefined ? elements.composer.input : elements.threads.input;
        if (input.value === '' && (root === undefined || this.threads.shows(root))) input.value = typed;
      },
    });
    this.composer = new Composer(elements.composer, new TypingNotifier((roomId, typing) => socket.emit('typing', { roomId, typing })), {
      roomId: () => this.registry.activeId,
      send: (roomId, text, files) => commands.submit(roomId, text, files),
      edit: (roomId, target, text) => this.writer.edit(roomId, target, text),
    });
    this.writer = new RoomWriter(
      socket,
      {
        get: (roomId) => this.registry.get(roomId),
        follow: (room, after) => this.registry.follow(room, after),
        progressed: () => {
          this.registry.progressed();
          // The snapshot keeps this tab's own messages too, once acknowledged.
          this.snapshots.schedule();
        },
        me: user,
        alert: (text) => this.screen.alert(text),
      },
      status,
    );
    // Before the panel, so that its keys (Enter takes a command) come first.
    new CommandCompletion(lifetime, socket, elements.threads.input, elements.threads.commandChoices);
    this.threads = new ThreadPanel(lifetime, socket, elements.threads, {
      me: user,
      reply: (roomId, root, text, alsoToRoom) => commands.submitReply(roomId, root, text, alsoToRoom),
      summaries: (roomId) => this.registry.get(roomId)?.timeline.threads,
    });
    this.pinned = new PinnedView(lifetime, socket, elements.pinned, {
      activeId: () => this.registry.activeId,
      show: (roomId, offset) => void this.actions.showMessage(roomId, offset, this.registry.get(roomId)?.summary.name ?? ''),
    });
    const readMarker = new ReadMarker(lifetime, socket, () => this.registry.active(), changed);
    this.receipts = new ReadReceiptsView(lifetime, socket, elements.receipts, {
      log: (roomId) => this.registry.get(roomId)?.timeline.list.list,
      activeId: () => this.registry.activeId,
    });
    const receipts = this.receipts;
    const onScreen = { typingLine, composer: this.composer, history: this.history, readMarker, receipts };
    this.screen = new RoomScreen(this.registry, elements, onScreen, user, changed);
    this.actions = new RoomActions(socket, this.registry, this.screen, this.history, { createRoom: elements.createRoom, leave: elements.leave, join: elements.preview.join, input: elements.composer.input });
    const inbound = { registry: this.registry, presence: this.presence, typingLine, attention, writer: this.writer, readMarker, receipts };
    new RoomInbound(lifetime, socket, inbound, user, changed);
    lifetime.on(socket, 'room:topic', ({ roomId, topic }) => {
      const room = this.registry.get(roomId);
      if (!room) return;
      this.registry.upsert({ ...room.summary, topic });
      if (this.registry.activeId === roomId) this.screen.showTopic();
    });
    lifetime.on(socket, 'room:invited', ({ roomName, by }) => this.screen.alert(`${by} invited you to # ${roomName}: find it under Browse rooms`));
    this.refreshLists();
  }

  /**
   * Starts from the first room list: follows the rooms, opens one (resolving once it is on
   * screen, so nothing typed finds no room), resends what a reload left.
   */
  async start(list: readonly RoomSummary[]): Promise<void> {
    this.registry.reconcile(list);
    const stored = RoomScreen.remembered();
    const first = this.registry.get(stored)?.progress ? stored : this.registry.general()?.summary.id;
    if (first !== undefined && !this.registry.get(first)?.progress) await this.actions.join(first, false);
    else if (first !== undefined) this.screen.open(first);
    this.writer.restore();
    void this.refreshPresence();
    void this.directory.search();
    this.threads.refresh();
  }

  /** A reconnect: the server resumed every followed room from `auth.rooms`; refresh the rest. */
  async reconnected(): Promise<void> {
    this.history.opened();
    const active = this.registry.activeId;
    this.threads.refresh();
    await Promise.all([this.registry.refresh(), this.refreshPresence(), this.directory.search(), active === undefined ? undefined : this.receipts.opened(active)]);
  }

  /**
   * Shows what the page last knew (a reload while the server is unreachable): the rooms,
   * each followed from where the tab had received everything, with its newest events. The
   * next connection resumes each room there, so nothing is missed or shown twice. Called
   * before `start`.
   */
  restore(snapshot: PageSnapshot): void {
    if (snapshot.me) this.identify(snapshot.me);
    this.registry.restore(snapshot);
    RoomScreen.rememberOnce(snapshot.activeRoomId);
  }

  /** This tab's identity changed (or became known): own messages, names and lists follow. */
  identify(user: PublicUser): void {
    const switched = this.me !== undefined && this.me.id !== user.id;
    // Someone else's rooms and history are not kept for the next reload.
    if (switched) pageSnapshot.clear();
    this.me = user;
    if (switched) void this.resync();
    if (switched) {
      // Another person's threads are not theirs to see.
      this.threads.close();
      this.threads.refresh();
    }
    this.rerender();
    this.presence.render();
    this.changed();
  }

  /** Whether this user moderates (set by the page from `mod:me`); moderators may remove any message of a public room. */
  canModerate: () => boolean = () => false;

  /** The room on screen. */
  activeRoom(): RoomSummary | undefined {
    return this.registry.active()?.summary;
  }

  /** Who is online now. */
  onlineUsers(): PublicUser[] {
    return this.presence.users();
  }

  /** The name of a room this tab knows, for messages about it. */
  roomName(roomId: number): string {
    return this.registry.get(roomId)?.label(this.me) ?? `room ${roomId}`;
  }

  /**
   * Shows message `offset` of `roomId` (a search hit): see RoomActions.showMessage. A thread
   * reply (`threadRoot` its root) shows its root in the room and opens the thread beside it.
   */
  async showMessage(roomId: number, offset: number, roomName: string, threadRoot?: number): Promise<void> {
    await this.actions.showMessage(roomId, threadRoot ?? offset, roomName);
    if (threadRoot !== undefined) await this.threads.open(roomId, threadRoot);
  }

  /**
   * Opens a message link (`#room=<id>&message=<offset>`, ./pin-marks.ts): the room at that
   * message, highlighted, for whoever may read it; a public room not followed (never joined,
   * or left) opens read-only, as a search hit does. Anyone else is told they cannot see it.
   * Returns false when `hash` is no message link.
   */
  async openLink(hash: string): Promise<boolean> {
    const link = parseMessageLink(hash);
    if (!link) return false;
    const answer = await request(this.socket, 'message:link', { roomId: link.roomId, offset: link.offset });
    if (!answer.ok) {
      const why = answer.error === 'UNKNOWN_MESSAGE' ? 'it was deleted, or never was' : 'it is in a room you cannot read';
      this.screen.alert(answer.error === 'INVALID_PAYLOAD' ? 'That link names no message.' : `You cannot see this message: ${why}.`);
      return true;
    }
    const { room, message } = answer.data;
    await this.showMessage(room.id, link.offset, room.name, message.kind === 'message' ? message.target : undefined);
    return true;
  }

  /** Redraws every room's messages (e.g. the reader became a moderator). */
  rerender(): void {
    for (const room of this.registry.all()) room.timeline.renderAll();
  }

  /** Ends every listener, timer and interval this client started; a deletion waiting is sent. */
  stop(): void {
    this.lifetime.stop();
  }

  /** Public rooms that others create (and names others change) reach this page only through the lists. */
  private refreshLists(): void {
    const { lifetime, socket } = this;
    // Asked again when the person comes back to the window, and now and then while they look.
    lifetime.listen(window, 'focus', () => void this.reconnected());
    lifetime.every(ROOM_LIST_REFRESH_MS, () => {
      if (document.visibilityState === 'visible' && socket.connected) void Promise.all([this.registry.refresh(), this.directory.search()]);
    });
  }

  /** Builds the log of a room the page meets for the first time, its actions wired to the writer. */
  private timeline(summary: RoomSummary): RoomTimeline {
    const list = new MessageList(document.createElement('ol'), this.elements.scroller);
    list.onUnseen = (count) => {
      if (this.registry.activeId === summary.id) this.screen.showJump(count);
    };
    return new RoomTimeline(summary.id, list, () => this.me, {
      edit: (target, text) => this.composer.startEdit(summary.id, target, text),
      delete: (target) => this.undoDelete.start(list.at(target), () => this.writer.delete(summary.id, target)),
      react: (target, emoji, on) => this.writer.react(summary.id, target, emoji, on),
      canModerate: () => this.canModerate() && summary.kind === 'public',
      moderate: (target) => void this.actions.moderate(summary.id, target),
      openThread: (root) => void this.threads.open(summary.id, root),
      pin: (target, on) => this.writer.pin(summary.id, target, on),
      link: (target) => messageLink(summary.id, target),
      linkCopied: (link, copied) => this.screen.alert(copied ? '' : `Copy this link: ${link}`),
      observe: (event) => {
        this.threads.observe(event);
        this.pinned.observe(event);
      },
    });
  }

  private async resync(): Promise<void> {
    if (await this.registry.resync()) await this.refreshPresence();
  }

  private async refreshPresence(): Promise<void> {
    const answer = await request(this.socket, 'presence:list', {});
    if (answer.ok) this.presence.reset(answer.data);
  }

  /** The rooms or their counts changed: the snapshot is written soon, the lists redrawn this frame. */
  private changed(): void {
    this.pinned.roomShown(this.registry.activeId);
    this.snapshots.schedule();
    this.sidebar.render();
  }
}
