import type { Logger } from '../log.js';
import type { PublicUser } from '../shared/events.js';
import type { ParleyServer } from '../types.js';
import { PresenceCoordinator } from './coordinator.js';
import { chatRoomOf, isUserRoom } from '../socket-rooms.js';
import { DEFAULT_PRESENCE_TIMINGS, DEFAULT_TYPING_TIMINGS, type PresenceTimings, type TypingTimings } from './timings.js';
import { TypingRelay } from './typing-relay.js';

/** Who is online, join/leave notices and typing, correct across every server. */
export interface Presence {
  /** The users online (roomId null) or following a room live: one entry per user, by name. */
  list(roomId: number | null): Promise<PublicUser[]>;
  /** Relays typing indicators to the room. */
  readonly typing: TypingRelay;
  /** Stops the timers. Idempotent. */
  close(): void;
}

export interface PresenceOptions {
  /** Other servers exist (cluster or Redis adapter): ask them too. */
  readonly clustered: boolean;
  readonly log: Logger;
  readonly timings?: PresenceTimings;
  readonly typingTimings?: TypingTimings;
}

/**
 * Sets presence up on a Socket.IO server: every connection joins its user's room
 * (src/connections/lifecycle.ts), and every room change of a local connection (connect, catch-up, room:join/leave, moderation's
 * socketsJoin/socketsLeave, disconnect) is seen through the adapter's own events, so no
 * other module has to call presence when it moves sockets.
 */
export function createPresence(io: ParleyServer, options: PresenceOptions): Presence {
  const coordinator = new PresenceCoordinator(io, options.clustered, options.timings ?? DEFAULT_PRESENCE_TIMINGS, options.log);
  const typing = new TypingRelay(io, options.typingTimings ?? DEFAULT_TYPING_TIMINGS);

  const adapter = io.of('/').adapter;
  // A connection enters and leaves its own id's room first and last, and moves between
  // users' rooms when its identity changes; other rooms (the online watchers') change
  // nothing presence shows.
  const matters = (room: string, socketId: string): boolean => room === socketId || isUserRoom(room) || chatRoomOf(room) !== undefined;
  adapter.on('join-room', (room: string, socketId: string) => {
    if (matters(room, socketId)) coordinator.changed();
  });
  adapter.on('leave-room', (room: string, socketId: string) => {
    const roomId = chatRoomOf(room);
    if (roomId !== undefined) typing.left(socketId, roomId);
    // The socket is still in the namespace while it leaves its rooms, a closing one too.
    const user = io.of('/').sockets.get(socketId)?.data.user as PublicUser | undefined;
    if (user && (roomId !== undefined || room === socketId)) coordinator.departed(user, roomId ?? null);
    if (matters(room, socketId)) coordinator.changed();
  });

  return {
    list: async (roomId) => {
      const view = await coordinator.collect(roomId);
      return [...view.values()].map(({ user }) => user).sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    },
    typing,
    close: () => {
      coordinator.close();
      typing.close();
    },
  };
}
