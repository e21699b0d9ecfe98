import type { HandlerContext } from '../chat/context.js';
import type { ClientToServerEvents } from '../shared/events.js';
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
import { roomJoin } from './room-join.js';
import { roomLeave } from './room-leave.js';
import { roomList } from './room-list.js';

export { checkHandshakeRooms, speaksRoomProtocol } from './handshake.js';

type RoomEvents = Pick<
  ClientToServerEvents,
  | 'room:list'
  | 'room:create'
  | 'room:join'
  | 'room:leave'
  | 'dm:open'
  | 'message:send'
  | 'message:edit'
  | 'message:delete'
  | 'history:before'
  | 'read:mark'
>;

/** The room events' handlers, one file each, made for a connection on its first use. */
export const roomHandlers: { readonly [Event in keyof RoomEvents]: (context: RoomContext) => RoomEvents[Event] } = {
  'room:list': roomList,
  'room:create': roomCreate,
  'room:join': roomJoin,
  'room:leave': roomLeave,
  'dm:open': dmOpen,
  'message:send': messageSend,
  'message:edit': messageEdit,
  'message:delete': messageDelete,
  'history:before': historyBefore,
  'read:mark': readMark,
};

/**
 * This connection's side of the room protocol: puts the socket in its user's Socket.IO
 * room (how the other tabs hear of rooms added, left and read), re-follows the rooms the
 * handshake names (`auth.rooms`: { [roomId]: lastOffsetSeen }, the user's member rooms
 * only), and returns the context the handlers of `roomHandlers` take.
 */
export function startRoomProtocol(chat: HandlerContext): RoomContext {
  const { socket, store, delivery, roomWire, log } = chat;
  const context: RoomContext = { ...chat, follows: new Follows(socket, delivery, roomWire, log) };
  void socket.join(userKey(socket.data.user.id));
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
