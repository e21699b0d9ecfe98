/**
 * Every Socket.IO room name Parley uses, and nothing else: no other module builds one from
 * a string. Rooms are how one emit reaches a set of connections on every server of a
 * deployment (the adapter carries them across workers and nodes).
 */
import { createHash } from 'node:crypto';

/** A chat room's live, caught-up followers through the room protocol (`room:event`, notices, typing). */
export const liveRoom = (roomId: number): string => `room:${roomId}`;

/** A chat room's live, caught-up followers through the tutorial's protocol (`chat message`). */
export const tutorialRoom = (roomId: number): string => `tutorial:${roomId}`;

/** The Socket.IO rooms holding a chat room's live followers, one per protocol. */
export const followerRooms = (roomId: number): string[] => [liveRoom(roomId), tutorialRoom(roomId)];

const FOLLOWER_ROOM = /^(?:room|tutorial):(\d+)$/;

/** The chat room id behind a follower room name (see followerRooms), or undefined for other rooms. */
export function chatRoomOf(socketIoRoom: string): number | undefined {
  const match = FOLLOWER_ROOM.exec(socketIoRoom);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** Every connection of one user, on every server: one emit reaches or leaves out all of their tabs. */
export const userRoom = (userId: string): string => `user:${userId}`;

/** Whether a Socket.IO room is some user's room (see userRoom). */
export const isUserRoom = (room: string): boolean => room.startsWith('user:');

/**
 * Every connection of one browser session (its cookie). Named by a hash, so the room name,
 * which travels between servers, never carries the cookie itself.
 */
export const browserRoom = (browserSession: string): string =>
  `identity:browser:${createHash('sha256').update(browserSession).digest('base64url')}`;

/** Every connection signed in with one account session (the token's hash). */
export const sessionRoom = (sessionHash: string): string => `identity:session:${sessionHash}`;

/** Connections that asked for the online list (presence:list {}): they get online/offline notices. */
export const ONLINE_WATCHERS = 'presence:online';

/** Connections that looked at the room directory (room:directory): they are told of new public rooms (`room:created`). */
export const DIRECTORY_WATCHERS = 'directory:watchers';

/** Connections of users who turned read receipts off: live receipts (`room:receipt`) leave them out. */
export const RECEIPTS_OFF = 'receipts:off';
