import { followerRooms, isUserRoom, userRoom } from '../socket-rooms.js';
import type { ParleySocket } from '../types.js';

/** Whether this connection follows the chat room live, in either protocol. */
export function follows(socket: ParleySocket, roomId: number): boolean {
  return followerRooms(roomId).some((room) => socket.rooms.has(room));
}

/**
 * Puts the connection in its current user's room and out of any earlier one: signing in
 * or out changes `socket.data.user` under a live connection.
 */
export function joinUserRoom(socket: ParleySocket): void {
  const current = userRoom(socket.data.user.id);
  for (const room of socket.rooms) if (isUserRoom(room) && room !== current) void socket.leave(room);
  if (!socket.rooms.has(current)) void socket.join(current);
}
