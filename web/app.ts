// The chat page. On a server that speaks the room protocol (src/shared/events.ts) it is the
// full client: identity, rooms, direct messages, presence, typing, history, edits. On a
// server that speaks only the tutorial's protocol it is the tutorial's page, made to show
// every message once, in order, whatever the network does.
import type { io as socketIoClient } from 'socket.io-client';
import type { RoomSummary } from '../src/shared/events.js';
import { AdminPanel } from './moderation/admin-panel.js';
import { ConnectionStatus } from './shared/connection-status.js';
import { Identity } from './page/identity.js';
import { describeNotice, LastNotice } from './moderation/moderation-notices.js';
import { RoomsClient } from './rooms/rooms-client.js';
import { SearchView } from './rooms/search-view.js';
import { pageSnapshot, type PageSnapshot } from './rooms/page-snapshot.js';
import { foldableSidebar } from './page/sidebar-toggle.js';
import { request, type ChatSocket } from './shared/rpc.js';
import { startTutorialMode } from './tutorial/tutorial-mode.js';

/** Set by /socket.io/socket.io.js, the client bundle the server serves next to the page. */
declare const io: typeof socketIoClient;

declare global {
  interface Window {
    /** The page's socket, for tests that drive the page (e.g. cut its connection). */
    parley?: { readonly socket: ChatSocket; mode?: 'rooms' | 'tutorial' };
  }
}

function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`the page lacks #${id}`);
  return element;
}

const status = new ConnectionStatus(byId('status', HTMLElement));
// The app shell for reloads while offline (./service-worker.ts). Secure contexts only
// (https, or localhost): elsewhere the page works the same, without it.
if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js').catch(() => undefined);
foldableSidebar(byId('sidebar-toggle', HTMLButtonElement), byId('sidebar', HTMLElement));
const form = byId('form', HTMLFormElement);
const input = byId('input', HTMLInputElement);
const scroller = byId('log', HTMLElement);

// `auth.rooms` marks a room-protocol client, which the server does not send the tutorial's
// `chat message` history; a server that speaks only the tutorial's protocol ignores it and
// sends that history from `serverOffset`, kept below until the page knows which it is.
let mode: 'rooms' | 'tutorial' | undefined;
let rooms: RoomsClient | undefined;
/** Typed before the page knew its mode. */
const typedEarly: string[] = [];
const token = Identity.token();
const socket: ChatSocket = io({ auth: { serverOffset: 0, rooms: {}, ...(token ? { token } : {}) } });
window.parley = { socket };
const earlyTutorialEvents: [string, number][] = [];
let tutorial: ReturnType<typeof startTutorialMode> | undefined;
socket.on('chat message', (text, serverOffset) => {
  if (tutorial) tutorial.received(text, serverOffset);
  else if (!mode) earlyTutorialEvents.push([text, serverOffset]);
});

const identity = new Identity(
  socket,
  {
    name: byId('me', HTMLElement),
    button: byId('identity-button', HTMLButtonElement),
    dialog: byId('identity-dialog', HTMLDialogElement),
    guestForm: byId('guest-form', HTMLFormElement),
    accountForm: byId('account-form', HTMLFormElement),
    error: byId('identity-error', HTMLElement),
  },
  (user) => {
    rooms?.identify(user);
    void refreshRole();
  },
);

// Moderation: the panel for moderators and admins, and what the page says when a
// moderator acts on this user.
let admin: AdminPanel | undefined;
const lastNotice = new LastNotice();
async function refreshRole(): Promise<void> {
  if (!admin) return;
  const before = admin.canModerate;
  await admin.refresh();
  if (admin.canModerate !== before) rooms?.rerender();
}
socket.on('moderation', (notice) => {
  const text = describeNotice(notice, (roomId) => rooms?.roomName(roomId) ?? `room ${roomId}`);
  lastNotice.record(notice, text);
  byId('alert', HTMLElement).textContent = text;
});
socket.on('session:user', (user) => identity.set(user));

/** Which protocol the server speaks: the room list answers, or the event is unknown. */
async function chooseMode(): Promise<void> {
  const answer = await request(socket, 'room:list', {});
  if (mode) {
    // Started from the snapshot meanwhile: bring it up to date.
    if (mode === 'rooms') void rooms?.reconnected();
    return;
  }
  if (answer.ok) await startRooms(answer.data);
  else if (answer.error === 'UNKNOWN_EVENT') startTutorial();
  else return; // no answer: asked again on the next connection
  entered();
}

function entered(): void {
  document.body.dataset.mode = mode;
  if (window.parley) window.parley.mode = mode;
  status.show(socket.connected ? 'online' : 'offline');
  for (const text of typedEarly.splice(0)) submit(text);
}

// A reload while the server cannot be reached shows what this browser last knew (rooms,
// history, the messages waiting to be sent) rather than an empty page; the connection,
// once back, resumes every room from there.
const snapshot = pageSnapshot.load();
/** How long a page with a snapshot waits for the server before it shows the snapshot. */
const SNAPSHOT_AFTER_MS = 2500;
function startFromSnapshot(): void {
  if (mode || !snapshot) return;
  void startRooms(
    snapshot.rooms.map((room) => room.summary),
    snapshot,
  );
  entered();
}
if (snapshot) {
  setTimeout(() => {
    if (!socket.connected) startFromSnapshot();
  }, SNAPSHOT_AFTER_MS);
}

async function startRooms(list: readonly RoomSummary[], from?: PageSnapshot): Promise<void> {
  mode = 'rooms';
  earlyTutorialEvents.length = 0;
  rooms = new RoomsClient(
    socket,
    {
      scroller,
      title: byId('room-title', HTMLElement),
      leave: byId('leave-room', HTMLButtonElement),
      historyState: byId('history-state', HTMLElement),
      typing: byId('typing', HTMLElement),
      alert: byId('alert', HTMLElement),
      rooms: { joined: byId('joined-rooms', HTMLUListElement), direct: byId('direct-rooms', HTMLUListElement) },
      directory: {
        form: byId('browse-rooms', HTMLFormElement),
        query: byId('browse-query', HTMLInputElement),
        list: byId('other-rooms', HTMLUListElement),
        more: byId('browse-more', HTMLButtonElement),
      },
      online: byId('online', HTMLUListElement),
      createRoom: byId('create-room', HTMLFormElement),
      composer: { form, input, editBanner: byId('edit-banner', HTMLElement), editCancel: byId('edit-cancel', HTMLButtonElement) },
      jump: byId('jump-latest', HTMLButtonElement),
      mentionChoices: byId('mention-choices', HTMLUListElement),
      enableNotifications: byId('enable-notifications', HTMLButtonElement),
      undoDelete: { element: byId('undo-delete', HTMLElement), undo: byId('undo-delete-button', HTMLButtonElement) },
    },
    status,
  );
  const started = rooms;
  admin = new AdminPanel(
    socket,
    { button: byId('admin-button', HTMLButtonElement), dialog: byId('admin-dialog', HTMLDialogElement), body: byId('admin-body', HTMLElement) },
    { activeRoom: () => started.activeRoom(), onlineUsers: () => started.onlineUsers(), me: () => identity.user },
  );
  const panel = admin;
  new SearchView(
    socket,
    {
      form: byId('search-form', HTMLFormElement),
      query: byId('search-query', HTMLInputElement),
      results: byId('search-results', HTMLUListElement),
      more: byId('search-more', HTMLButtonElement),
    },
    (roomId, offset, roomName) => void started.showMessage(roomId, offset, roomName),
  );
  rooms.canModerate = () => panel.canModerate;
  if (from) rooms.restore(from);
  if (identity.user) rooms.identify(identity.user);
  void identity.connected();
  void refreshRole();
  await rooms.start(list);
}

function startTutorial(): void {
  mode = 'tutorial';
  tutorial = startTutorialMode(socket, status, byId('messages', HTMLOListElement), scroller);
  for (const [text, serverOffset] of earlyTutorialEvents.splice(0)) tutorial.received(text, serverOffset);
}

function submit(text: string): void {
  if (mode === 'tutorial') tutorial?.send(text);
  else if (mode === 'rooms') input.value ||= text; // the composer sends it once a room is open
  else typedEarly.push(text);
}

// In room mode the composer owns the form; until the mode is known, typed text waits here.
form.addEventListener('submit', (event) => {
  event.preventDefault();
  if (mode === 'rooms') return;
  const text = input.value.trim();
  if (!text) return;
  submit(text);
  input.value = '';
  input.focus();
});

socket.on('connect', () => {
  if (!mode) {
    void chooseMode();
    return;
  }
  status.show('online');
  if (mode === 'rooms') {
    void rooms?.reconnected();
    void identity.connected();
    void refreshRole();
  }
});
socket.on('disconnect', (reason) => {
  // Only a disconnect the server asked for stops the client's automatic reconnection.
  if (reason === 'io server disconnect') status.show('refused', lastNotice.recent() ?? 'The server closed the connection; reload to rejoin.');
  else status.show('offline');
});
socket.on('connect_error', (error) => {
  if (!mode && socket.active) startFromSnapshot();
  if (socket.active) {
    status.show('offline');
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
  status.show('refused', `The server refused the connection: ${error.message}`);
});
socket.io.on('reconnect_attempt', () => status.show('offline'));
