import type { NodePresence, PublicUser } from '../shared/events.js';
import type { ParleyServer, ParleySocket } from '../types.js';
import { chatRoomOf, followerRooms } from '../socket-rooms.js';

/**
 * This server's own connections as presence sees them: each user once, with the chat rooms
 * any of that user's connections here follows live. `roomId` narrows it to one room (and
 * keeps the answer small); null reports every connected user.
 */
export function localPresence(io: ParleyServer, node: string, roomId: number | null, now = Date.now()): NodePresence {
  const namespace = io.of('/');
  const users = new Map<string, { user: PublicUser; rooms: Set<number>; was?: PublicUser }>();
  const add = (socket: ParleySocket): void => {
    const user = socket.data.user as PublicUser | undefined;
    if (!user) return; // not identified yet: the handshake middleware has not run
    let entry = users.get(user.id);
    if (!entry) users.set(user.id, (entry = { user, rooms: new Set() }));
    const { was } = socket.data;
    if (was !== undefined && was.until > now) entry.was = was.user;
    if (roomId !== null) {
      entry.rooms.add(roomId);
      return;
    }
    for (const room of socket.rooms) {
      const chatRoom = chatRoomOf(room);
      if (chatRoom !== undefined) entry.rooms.add(chatRoom);
    }
  };

  if (roomId === null) {
    for (const socket of namespace.sockets.values()) add(socket);
  } else {
    const followers = new Set(followerRooms(roomId).flatMap((key) => [...(namespace.adapter.rooms.get(key) ?? [])]));
    for (const socketId of followers) {
      const socket = namespace.sockets.get(socketId);
      if (socket) add(socket);
    }
  }
  return { node, users: [...users.values()].map(({ user, rooms, was }) => ({ user, rooms: [...rooms], ...(was ? { was } : {}) })) };
}

/** Whether two reports list the same users, with the same names, in the same rooms, in the same order. */
export function sameUsers(a: NodePresence, b: NodePresence): boolean {
  if (a.users.length !== b.users.length) return false;
  return a.users.every((entry, index) => {
    const other = b.users[index];
    return (
      other !== undefined &&
      entry.user.id === other.user.id &&
      entry.user.name === other.user.name &&
      entry.user.kind === other.user.kind &&
      entry.was?.id === other.was?.id &&
      entry.rooms.length === other.rooms.length &&
      entry.rooms.every((room, at) => room === other.rooms[at])
    );
  });
}
