import type { ConnectionStatus } from '../shared/connection-status.js';
import { Conversation } from './conversation.js';
import { MessageList } from '../shared/message-list.js';
import type { ChatSocket } from '../shared/rpc.js';

/** How long a `chat message` waits for its acknowledgement before the page sends it again. */
const ACK_TIMEOUT_MS = 10_000;

/** The tutorial's page, running: what sends a typed message and what takes a `chat message` event. */
export interface TutorialMode {
  send(text: string): void;
  received(text: string, serverOffset: number): void;
}

/**
 * The page on a server that speaks only the tutorial's protocol: one room, `chat message`
 * events, `auth.serverOffset`. Returns what sends a typed message and what takes a
 * `chat message` event (../page/chat-page.ts keeps those that came before the page knew its mode).
 */
export function startTutorialMode(
  socket: ChatSocket,
  status: ConnectionStatus,
  list: HTMLOListElement,
  scroller: HTMLElement,
): TutorialMode {
  const conversation = new Conversation(
    new MessageList(list, scroller),
    {
      // A rejection (timeout, disconnect) makes the conversation send again with the same
      // client offset, which the server stores once: the tutorial's `retries`, unbounded.
      send: (text, clientOffset) => socket.timeout(ACK_TIMEOUT_MS).emitWithAck('chat message', text, clientOffset),
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
  conversation.restore();
  return { send: (text) => conversation.send(text), received: (text, serverOffset) => conversation.received(text, serverOffset) };
}
