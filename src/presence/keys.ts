/**
 * Socket.IO room names presence relies on. A chat room's live followers are in one
 * Socket.IO room per protocol: `room:<id>` (delivery/room-wire.ts, the room protocol) and
 * `tutorial:<id>` (delivery/tutorial-wire.ts, the tutorial's page). Every connection of a
 * user is also in `user:<id>`, so one emit can reach, or leave out, all of that user's
 * tabs on every server.
 */
import type { ParleySocket } from '../types.js';

/** The Socket.IO rooms holding a chat room's live followers, one per protocol. */
export const followerKeys = (roomId: number): string[] => [roomKey(roomId), `tutorial:${roomId}`];

/** The Socket.IO room of a chat room's room-protocol followers: they get its notices and typing. */
export const roomKey = (roomId: number): string => `room:${roomId}`;

/** Connections that asked for the online list (presence:list {}): they get online/offline. */
export const ONLINE_WATCHERS = 'presence:online';

/** The Socket.IO room holding every connection of one user, on every server. */
export const userKey = (userId: string): string => `user:${userId}`;

/** Whether a Socket.IO room is some user's room (see userKey). */
export const isUserKey = (room: string): boolean => room.startsWith('user:');

const FOLLOWER_KEY = /^(?:room|tutorial):(\d+)$/;

/** The chat room id behind a follower room name, or undefined for other rooms. */
export function chatRoomOf(socketIoRoom: string): number | undefined {
  const match = FOLLOWER_KEY.exec(socketIoRoom);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** Whether this connection follows the chat room live, in either protocol. */
export function follows(socket: ParleySocket, roomId: number): boolean {
  return followerKeys(roomId).some((key) => socket.rooms.has(key));
}

/**
 * Puts the connection in its current user's room and out of any earlier one: signing in
 * or out changes `socket.data.user` under a live connection.
 */
export function joinUserRoom(socket: ParleySocket): void {
  const current = userKey(socket.data.user.id);
  for (const room of socket.rooms) if (room.startsWith('user:') && room !== current) void socket.leave(room);
  if (!socket.rooms.has(current)) void socket.join(current);
}
