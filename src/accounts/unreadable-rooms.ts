import { chatRoomOf, followerRooms } from '../socket-rooms.js';
import type { Store } from '../store/store.js';
import type { ParleySocket } from '../types.js';

/**
 * After the connection's identity changed (sign-in, sign-out, another account): stops it
 * following every direct room its new user is not a member of, and tells it with
 * `room:removed`. Public rooms stay: anyone may read them. Every room event checks the
 * user's membership anyway (events/access.ts); this stops the live stream.
 */
export async function leaveUnreadableRooms(socket: ParleySocket, store: Store): Promise<void> {
  const followed = new Set<number>();
  for (const room of socket.rooms) {
    const roomId = chatRoomOf(room);
    if (roomId !== undefined) followed.add(roomId);
  }
  const userId = socket.data.user.id;
  for (const roomId of followed) {
    const room = await store.rooms.roomById(roomId);
    if (room?.kind !== 'direct' || (await store.rooms.isMember(roomId, userId))) continue;
    // The identity may have changed again meanwhile: only the current user's view counts.
    if (socket.data.user.id !== userId) return;
    for (const key of followerRooms(roomId)) void socket.leave(key);
    socket.emit('room:removed', roomId);
  }
}
