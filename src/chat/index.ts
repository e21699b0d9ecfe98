import { chatMessage } from './chat-message.js';
import type { HandlerContext } from './context.js';

/** The table of client events: one line per event, each handler in its own file. */
export function registerChatHandlers(context: HandlerContext): void {
  const { socket } = context;
  socket.on('chat message', chatMessage(context));
}
