import type { RoomSummary } from '../../src/shared/events.js';
import { AdminPanel } from '../moderation/admin-panel.js';
import { describeNotice, LastNotice } from '../moderation/moderation-notices.js';
import { pageSnapshot, type PageSnapshot } from '../rooms/page-snapshot.js';
import { RoomsClient } from '../rooms/rooms-client.js';
import { SearchView } from '../rooms/search-view.js';
import { ConnectionStatus } from '../shared/connection-status.js';
import { isRetryableRefusal, reconnectDelay } from '../../src/shared/reconnect.js';
import { Lifetime } from '../shared/lifetime.js';
import { request, type ChatSocket } from '../shared/rpc.js';
import { startTutorialMode, type TutorialMode } from '../tutorial/tutorial-mode.js';
import { AccountMenu } from './account-menu.js';
import { Identity } from './identity.js';
import type { PageElements } from './page-elements.js';
import { enterSends } from './message-box.js';
import { afterModeration, closeComposer, describeRefusal } from './refusal.js';

/** How long a page with a snapshot waits for the server before it shows the snapshot. */
const SNAPSHOT_AFTER_MS = 2500;

/**
 * The page whatever its mode: finds out which protocol the server speaks (the room list
 * answers, or the event is unknown), then runs the room client or the tutorial's page, and
 * follows the connection (status line, reconnects, refusals, an expired session).
 *
 * `auth.rooms` marks a room-protocol client, which the server does not send the tutorial's
 * `chat message` history; a server that speaks only the tutorial's protocol ignores it and
 * sends that history from `serverOffset`, kept here until the page knows which it is.
 */
export class ChatPage {
  private readonly lifetime = new Lifetime();
  private readonly status: ConnectionStatus;
  private readonly identity: Identity;
  private readonly lastNotice = new LastNotice();
  /**
   * A reload while the server cannot be reached shows what this browser last knew (rooms,
   * history, the messages waiting to be sent) rather than an empty page; the connection,
   * once back, resumes every room from there.
   */
  private readonly snapshot = pageSnapshot.load();
  private mode: 'rooms' | 'tutorial' | undefined;
  private rooms: RoomsClient | undefined;
  private admin: AdminPanel | undefined;
  /** The signed-in person's menu (password, their data) and the reset link's page. */
  private readonly account: AccountMenu;
  private search: SearchView | undefined;
  /** Who the page showed last, to tell a change of person from a rename. */
  private shownUserId: string | undefined;
  private tutorial: TutorialMode | undefined;
  /** Why the server refused this page, once it has: nothing else is shown in the status line. */
  private refusal: string | undefined;
  /** Handshakes refused as retryable in a row (the server's store away): the next attempt waits longer. */
  private retryableRefusals = 0;
  /** Typed before the page knew its mode. */
  private readonly typedEarly: string[] = [];
  /** The tutorial's events that came before the page knew its mode. */
  private readonly earlyTutorialEvents: [string, number][] = [];

  constructor(
    private readonly socket: ChatSocket,
    private readonly elements: PageElements,
  ) {
    this.status = new ConnectionStatus(elements.status);
    this.identity = new Identity(socket, elements.identity, (user) => {
      this.account.show(user);
      // Another person now (signed in or out): what the last one searched for goes too.
      if (this.shownUserId !== undefined && this.shownUserId !== user.id) this.search?.clear();
      this.shownUserId = user.id;
      this.rooms?.identify(user);
      void this.refreshRole();
    });
    this.account = new AccountMenu(socket, elements.account, this.identity);
    this.account.openResetLink();
  }

  /** Listens to the socket and the message box; the mode is chosen on the first connection. */
  start(): void {
    const { lifetime, socket, status } = this;
    lifetime.on(socket, 'chat message', (text, serverOffset) => {
      if (this.tutorial) this.tutorial.received(text, serverOffset);
      else if (!this.mode) this.earlyTutorialEvents.push([text, serverOffset]);
    });
    // What the page says when a moderator acts on this user.
    lifetime.on(socket, 'moderation', (notice) => {
      const text = describeNotice(notice, (roomId) => this.rooms?.roomName(roomId) ?? `room ${roomId}`);
      this.lastNotice.record(notice, text);
      this.elements.alert.textContent = text;
    });
    lifetime.on(socket, 'session:user', (user) => this.identity.set(user));
    // An admin changed this user's role: the panel's button follows at once.
    lifetime.on(socket, 'role:changed', () => void this.refreshRole());
    if (this.snapshot) {
      const timer = setTimeout(() => {
        if (!socket.connected) this.startFromSnapshot();
      }, SNAPSHOT_AFTER_MS);
      lifetime.add(() => clearTimeout(timer));
    }
    // In room mode the composer owns the form; until the mode is known, typed text waits here.
    const { form, input } = this.elements;
    enterSends(form, input);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (this.mode === 'rooms') return;
      const text = input.value.trim();
      if (!text) return;
      this.submit(text);
      input.value = '';
      input.focus();
    });
    lifetime.on(socket, 'connect', () => this.connected());
    lifetime.on(socket, 'disconnect', (reason) => {
      // Only a disconnect the server asked for stops the client's automatic reconnection.
      if (reason === 'io server disconnect') this.refuse(afterModeration(this.lastNotice.recent()));
      else status.show('offline');
    });
    lifetime.on(socket, 'connect_error', (error) => this.refused(error));
    const attempt = (): void => {
      if (this.refusal === undefined) status.show('offline');
    };
    socket.io.on('reconnect_attempt', attempt);
    lifetime.add(() => socket.io.off('reconnect_attempt', attempt));
  }

  /** Ends what the page started: its listeners and timers, and those of the mode it runs. */
  stop(): void {
    // The tutorial's page holds no timer or listener beyond its socket's.
    this.rooms?.stop();
    this.lifetime.stop();
  }

  private connected(): void {
    this.retryableRefusals = 0;
    if (!this.mode) {
      void this.chooseMode();
      return;
    }
    this.status.show('online');
    if (this.mode === 'rooms') {
      void this.rooms?.reconnected();
      void this.identity.connected();
      void this.refreshRole();
    }
  }

  private refused(error: Error): void {
    const { socket, status } = this;
    if (!this.mode && socket.active) this.startFromSnapshot();
    if (socket.active) {
      status.show('offline');
      return;
    }
    if (isRetryableRefusal(error)) {
      // The server could not tell who this is just now (its store away): the same handshake
      // passes later, so come back with the back-off socket.io-client uses for a lost connection.
      if (!this.mode) this.startFromSnapshot();
      status.show('offline');
      this.lifetime.after(reconnectDelay(this.retryableRefusals++), () => socket.connect());
      return;
    }
    const auth = socket.auth as Record<string, unknown>;
    if (auth['token'] !== undefined) {
      // The stored session ended (signed out elsewhere, expired): continue as a guest.
      Identity.forgetToken();
      const { token: _expired, ...rest } = auth;
      socket.auth = rest;
      socket.connect();
      return;
    }
    this.refuse(describeRefusal(error));
  }

  /**
   * The server refused this page for good (a ban, a kick, a bad handshake): the status says
   * why and what to do, whatever starts later (the snapshot's rooms), and the message box
   * takes nothing, since nothing typed could be sent.
   */
  private refuse(why: string): void {
    this.refusal = why;
    this.status.show('refused', why);
    closeComposer(this.elements.form, this.elements.input, 'Not connected: nothing can be sent');
  }

  /** Which protocol the server speaks: the room list answers, or the event is unknown. */
  private async chooseMode(): Promise<void> {
    const answer = await request(this.socket, 'room:list', {});
    if (this.mode) {
      // Started from the snapshot meanwhile: bring it up to date.
      if (this.mode === 'rooms') void this.rooms?.reconnected();
      return;
    }
    if (answer.ok) await this.startRooms(answer.data);
    else if (answer.error === 'UNKNOWN_EVENT') this.startTutorial();
    else return; // no answer: asked again on the next connection
    this.entered();
  }

  private entered(): void {
    document.body.dataset.mode = this.mode;
    if (window.parley) window.parley.mode = this.mode;
    if (this.refusal !== undefined) this.status.show('refused', this.refusal);
    else this.status.show(this.socket.connected ? 'online' : 'offline');
    for (const text of this.typedEarly.splice(0)) this.submit(text);
  }

  private startFromSnapshot(): void {
    if (this.mode || !this.snapshot) return;
    void this.startRooms(
      this.snapshot.rooms.map((room) => room.summary),
      this.snapshot,
    );
    this.entered();
  }

  /** Room mode: the room client, the moderation panel and search, built once. */
  private async startRooms(list: readonly RoomSummary[], from?: PageSnapshot): Promise<void> {
    const { socket, elements, identity } = this;
    this.mode = 'rooms';
    this.earlyTutorialEvents.length = 0;
    const rooms = new RoomsClient(socket, elements.rooms, this.status);
    this.rooms = rooms;
    const admin = new AdminPanel(socket, elements.admin, { activeRoom: () => rooms.activeRoom(), onlineUsers: () => rooms.onlineUsers(), me: () => identity.user });
    this.admin = admin;
    this.search = new SearchView(socket, elements.search, (roomId, offset, roomName, threadRoot) => void rooms.showMessage(roomId, offset, roomName, threadRoot));
    rooms.canModerate = () => admin.canModerate;
    if (from) rooms.restore(from);
    if (identity.user) rooms.identify(identity.user);
    void identity.connected();
    void this.refreshRole();
    await rooms.start(list);
    // A message link (`#room=<id>&message=<offset>`) opens its message, at load and when
    // followed from the page itself; its fragment is then dropped, so following it again works.
    const openLink = async (): Promise<void> => {
      if (await rooms.openLink(location.hash)) history.replaceState(history.state, '', `${location.pathname}${location.search}`);
    };
    window.addEventListener('hashchange', () => void openLink());
    await openLink();
  }

  private startTutorial(): void {
    this.mode = 'tutorial';
    const tutorial = startTutorialMode(this.socket, this.status, this.elements.messages, this.elements.rooms.scroller);
    this.tutorial = tutorial;
    for (const [text, serverOffset] of this.earlyTutorialEvents.splice(0)) tutorial.received(text, serverOffset);
  }

  private submit(text: string): void {
    if (this.mode === 'tutorial') this.tutorial?.send(text);
    else if (this.mode === 'rooms') this.elements.input.value ||= text; // the composer sends it once a room is open
    else this.typedEarly.push(text);
  }

  /** Moderators and admins get the panel: asked after connecting and whenever the identity changes. */
  private async refreshRole(): Promise<void> {
    const { admin } = this;
    if (!admin) return;
    const before = admin.canModerate;
    await admin.refresh();
    if (admin.canModerate !== before) this.rooms?.rerender();
  }
}
