import type { HandlerContext } from '../chat/context.js';
import type { ParleySocket } from '../types.js';
import { userKey, type RoomContext } from './context.js';
import { dmOpen } from './dm-open.js';
import { Follows } from './follows.js';
import { handshakeRooms, speaksRoomProtocol } from './handshake.js';
import { historyBefore } from './history-before.js';
import { messageDelete } from './message-delete.js';
import { messageEdit } from './message-edit.js';
import { messageSend } from './message-send.js';
import { readMark } from './read-mark.js';
import { roomCreate } from './room-create.js';
import { roomDirectory } from './room-directory.js';
import { roomJoin } from './room-join.js';
import { roomLeave } from './room-leave.js';
import { roomList } from './room-list.js';

export { checkHandshakeRooms, speaksRoomProtocol } from './handshake.js';

/** The room events, each built for one connection by its file's function on first use. */
export const roomEvents = {
  'room:list': roomList,
  'room:directory': roomDirectory,
  'room:create': roomCreate,
  'room:join': roomJoin,
  'room:leave': roomLeave,
  'dm:open': dmOpen,
  'message:send': messageSend,
  'message:edit': messageEdit,
  'message:delete': messageDelete,
  'history:before': historyBefore,
  'read:mark': readMark,
} as const satisfies Record<string, (context: RoomContext) => (...args: unknown[]) => void>;

/**
 * Whether this connection's room-protocol state is needed from the start: a handshake
 * that names rooms to re-follow. Any other connection gets it on its first event.
 */
export const needsRoomsAtOnce = (socket: ParleySocket): boolean => speaksRoomProtocol(socket.handshake.auth);

/** Puts a new connection in its user's Socket.IO room (how other tabs hear of rooms added, left and read). */
export function joinRoomProtocol(socket: ParleySocket): void {
  void socket.join(userKey(socket.data.user.id));
}

/**
 * This connection's side of the room protocol: the rooms it follows and, when the
 * handshake names rooms (`auth.rooms`: { [roomId]: lastOffsetSeen }, the user's member
 * rooms only), their re-follow.
 */
export function roomContext(chat: HandlerContext): RoomContext {
  const { socket, store, delivery, roomWire, log } = chat;
  const context: RoomContext = { ...chat, follows: new Follows(socket, delivery, roomWire, log) };
  if (speaksRoomProtocol(socket.handshake.auth)) context.follows.restore(refollow(context));
  return context;

  async function refollow({ follows }: RoomContext): Promise<void> {
    try {
      const wanted = handshakeRooms(socket.handshake.auth);
      const memberOf = new Set(await store.memberRoomIds(socket.data.user.id));
      // Started, not awaited: isLive awaits each follow itself.
      for (const [roomId, after] of wanted) if (memberOf.has(roomId)) void follows.follow(roomId, after);
    } catch (error) {
      log.warn({ err: error, socketId: socket.id }, 'could not re-follow rooms; closing the connection so the client reconnects');
      // Closing the transport, not disconnect(): a client reconnects by itself only after a transport loss.
      socket.conn.close();
    }
  }
}
