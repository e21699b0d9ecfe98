import { guestNickname } from '../accounts/guest-nickname.js';
import { login } from '../accounts/login.js';
import { logout } from '../accounts/logout.js';
import { register } from '../accounts/register.js';
import type { RoomContext } from '../rooms/context.js';
import { roomEvents } from '../rooms/index.js';
import type { ClientToServerEvents } from '../shared/events.js';
import { chatMessage } from './chat-message.js';
import { presenceList } from './presence-list.js';
import { typing } from './typing.js';

/** One connection's handler of one event: the event's arguments, the acknowledgement last. */
export type EventHandler = (...args: unknown[]) => void | Promise<void>;

/**
 * The table of client events: one line per event, each handler in its own file. A file's
 * function builds the handler for one connection, the first time that connection sends
 * the event (see dispatcher.ts). Events without a handler yet are answered UNKNOWN_EVENT.
 */
export const chatEvents = {
  'chat message': chatMessage,
  ...roomEvents,
  typing,
  'presence:list': presenceList,
  'account:register': register,
  'account:login': login,
  'account:logout': logout,
  'guest:nickname': guestNickname,
} as const satisfies { [Event in keyof ClientToServerEvents]?: (context: RoomContext) => EventHandler };

export type ChatEvent = keyof typeof chatEvents;

/** Whether the table has a handler for `event` (own keys only: `constructor` is no event). */
export const isChatEvent = (event: unknown): event is ChatEvent => typeof event === 'string' && Object.hasOwn(chatEvents, event);
