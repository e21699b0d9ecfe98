import { guestNickname } from '../accounts/guest-nickname.js';
import { login } from '../accounts/login.js';
import { logout } from '../accounts/logout.js';
import { register } from '../accounts/register.js';
import { roomProtocol } from '../rooms/index.js';
import { ErrorCode, fail } from '../shared/errors.js';
import type { ClientToServerEvents } from '../shared/events.js';
import { chatMessage } from './chat-message.js';
import { presenceList } from './presence-list.js';
import { typing } from './typing.js';
import type { HandlerContext } from './context.js';

/** The table of client events: one line per event, each handler in its own file. */
export function registerChatHandlers(context: HandlerContext): void {
  const { socket, log } = context;
  // Events without a handler yet are answered UNKNOWN_EVENT below.
  const handlers: { [Event in keyof ClientToServerEvents]?: ClientToServerEvents[Event] } = {
    'chat message': chatMessage(context),
    ...roomProtocol(context),
    typing: typing(context),
    'presence:list': presenceList(context),
    'account:register': register(context),
    'account:login': login(context),
    'account:logout': logout(context),
    'guest:nickname': guestNickname(context),
  };
  for (const [event, handler] of Object.entries(handlers)) {
    if (handler) socket.on(event as keyof ClientToServerEvents, handler as (...args: unknown[]) => void);
  }

  // Every event gets an answer: one the server does not know is refused, so a client
  // with `retries` does not resend it until it gives up.
  socket.onAny((event: unknown, ...args: unknown[]) => {
    if (typeof event === 'string' && Object.hasOwn(handlers, event)) return;
    log.info({ socketId: socket.id, event: String(event).slice(0, 100) }, 'unknown event refused');
    const ack = args.at(-1);
    if (typeof ack === 'function') ack(fail(ErrorCode.UNKNOWN_EVENT, 'no such event'));
  });
}
