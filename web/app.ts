// The chat page: the tutorial's page, made to show every message once, in order, whatever
// the network does. It speaks the tutorial's protocol (src/shared/events.ts).
import type { io as socketIoClient, Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../src/shared/events.js';
import { ConnectionStatus } from './connection-status.js';
import { Conversation } from './conversation.js';
import { MessageList } from './message-list.js';

type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Set by /socket.io/socket.io.js, the client bundle the server serves next to the page. */
declare const io: typeof socketIoClient;

declare global {
  interface Window {
    /** The page's socket, for tests that drive the page (e.g. cut its connection). */
    parley?: { readonly socket: ChatSocket };
  }
}

function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`the page lacks #${id}`);
  return element;
}

const status = new ConnectionStatus(byId('status', HTMLElement));
const form = byId('form', HTMLFormElement);
const input = byId('input', HTMLInputElement);

// A fresh page has seen nothing: the server sends it the whole history first.
// ackTimeout and retries resend a message whose acknowledgement does not come.
const socket: ChatSocket = io({ auth: { serverOffset: 0 }, ackTimeout: 10_000, retries: 3 });
window.parley = { socket };

const conversation = new Conversation(
  new MessageList(byId('messages', HTMLOListElement), byId('log', HTMLElement)),
  {
    send: (text, clientOffset) => socket.emitWithAck('chat message', text, clientOffset),
    connected: () => (socket.connected ? Promise.resolve() : new Promise((resolve) => socket.once('connect', () => resolve()))),
  },
  {
    // Read at every (re)connection's handshake, so the server resumes after what is shown.
    onProgress: (offset) => {
      socket.auth = { serverOffset: offset };
    },
    onWaitingChange: (waiting) => status.setWaiting(waiting),
  },
);

socket.on('chat message', (text, serverOffset) => conversation.received(text, serverOffset));
socket.on('connect', () => status.show('online'));
socket.on('disconnect', (reason) => {
  // Only a disconnect the server asked for stops the client's automatic reconnection.
  if (reason === 'io server disconnect') status.show('refused', 'The server closed the connection; reload to rejoin.');
  else status.show('offline');
});
socket.on('connect_error', (error) => {
  if (socket.active) status.show('offline');
  else status.show('refused', `The server refused the connection: ${error.message}`);
});
socket.io.on('reconnect_attempt', () => status.show('offline'));

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  conversation.send(text);
  input.value = '';
  input.focus();
});

conversation.restore();
