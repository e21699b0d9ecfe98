import type { HandlerContext } from '../chat/context.js';
import type { Member } from '../store/rooms.js';
import type { Follows } from './follows.js';

/** What every room-protocol handler is given: the chat's context and this socket's follows. */
export interface RoomContext extends HandlerContext {
  readonly follows: Follows;
}

/** The Socket.IO room of all of one user's connections, on every server. */
export const userKey = (userId: string): string => `user:${userId}`;

/** The connection's user as a room member. */
export const memberOf = (context: RoomContext): Member => ({ userId: context.socket.data.user.id, name: context.socket.data.user.name });
