// The chat page. On a server that speaks the room protocol (src/shared/events.ts) it is the
// full client: identity, rooms, direct messages, presence, typing, history, edits. On a
// server that speaks only the tutorial's protocol it is the tutorial's page, made to show
// every message once, in order, whatever the network does. This entry only puts the page
// together (./page/chat-page.ts); it keeps no state of its own.
import type { io as socketIoClient } from 'socket.io-client';
import { RECONNECTION } from '../src/shared/reconnect.js';
import { ChatPage } from './page/chat-page.js';
import { Identity } from './page/identity.js';
import { pageElements } from './page/page-elements.js';
import { foldableSidebar } from './page/sidebar-toggle.js';
import type { ChatSocket } from './shared/rpc.js';

/** Set by /socket.io/socket.io.js, the client bundle the server serves next to the page. */
declare const io: typeof socketIoClient;

declare global {
  interface Window {
    /** The page's socket, for tests that drive the page (e.g. cut its connection). */
    parley?: { readonly socket: ChatSocket; mode?: 'rooms' | 'tutorial' };
  }
}

function main(): void {
  const elements = pageElements();
  // The app shell for reloads while offline (./service-worker.ts). Secure contexts only
  // (https, or localhost): elsewhere the page works the same, without it.
  if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js').catch(() => undefined);
  foldableSidebar(elements.sidebarToggle, elements.sidebar);
  // `auth.rooms` marks a room-protocol client (./page/chat-page.ts says how the mode is chosen).
  const token = Identity.token();
  // Jittered, capped back-off: after a node dies its clients come back spread out.
  const socket: ChatSocket = io({ ...RECONNECTION, auth: { serverOffset: 0, rooms: {}, ...(token ? { token } : {}) } });
  window.parley = { socket };
  new ChatPage(socket, elements).start();
}

main();
