import { guestNickname } from '../accounts/guest-nickname.js';
import { login } from '../accounts/login.js';
import { logout } from '../accounts/logout.js';
import { register } from '../accounts/register.js';
import { roomHandlers, startRoomProtocol } from '../rooms/index.js';
import type { RoomContext } from '../rooms/context.js';
import { ErrorCode, fail } from '../shared/errors.js';
import type { ClientToServerEvents } from '../shared/events.js';
import { chatMessage } from './chat-message.js';
import { presenceList } from './presence-list.js';
import { typing } from './typing.js';
import type { HandlerContext } from './context.js';

/** Makes one connection's handler of an event; the handler validates its own arguments. */
type HandlerFactory = (context: RoomContext) => (...args: unknown[]) => void;

/** The table of client events: one line per event, each handler in its own file. */
const handlerFactories: { readonly [Event in keyof ClientToServerEvents]: (context: RoomContext) => ClientToServerEvents[Event] } = {
  'chat message': chatMessage,
  ...roomHandlers,
  typing,
  'presence:list': presenceList,
  'account:register': register,
  'account:login': login,
  'account:logout': logout,
  'guest:nickname': guestNickname,
};

/**
 * Answers this connection's events. One listener per connection dispatches them all, and
 * an event's handler (with its state, such as a rate limit) is made on the event's first
 * use: an idle connection holds no handler at all, where a listener per event cost each
 * connection about 40 closures (docs/benchmarks.md, idle-memory).
 */
export function registerChatHandlers(chat: HandlerContext): void {
  const { socket, log } = chat;
  const context = startRoomProtocol(chat);
  const made = new Map<string, (...args: unknown[]) => void>();

  socket.onAny((event: unknown, ...args: unknown[]) => {
    if (typeof event === 'string' && Object.hasOwn(handlerFactories, event)) {
      let handler = made.get(event);
      if (!handler) {
        // Every factory's handler takes the arguments as they come off the wire.
        handler = (handlerFactories[event as keyof ClientToServerEvents] as HandlerFactory)(context);
        made.set(event, handler);
      }
      handler(...args);
      return;
    }
    // Every event gets an answer: one the server does not know is refused, so a client
    // with `retries` does not resend it until it gives up.
    log.info({ socketId: socket.id, event: String(event).slice(0, 100) }, 'unknown event refused');
    const ack = args.at(-1);
    if (typeof ack === 'function') ack(fail(ErrorCode.UNKNOWN_EVENT, 'no such event'));
  });
}
