import type { PublicUser } from '../shared/events.js';
import type { ParleyServer } from '../types.js';
import { liveRoom, userRoom } from '../socket-rooms.js';
import type { TypingTimings } from './timings.js';

interface Typist {
  readonly user: PublicUser;
  readonly roomId: number;
  readonly expiry: NodeJS.Timeout;
  lastAnnouncedAt: number;
}

/**
 * "{user} is typing": relays a connection's typing state to the others in the room, never
 * to the typist's own tabs (`except` the user's room, on every server), and never stores
 * it. A typist that goes quiet is announced as stopped after `expireMs`; one whose
 * connection leaves the room or closes at once. If this server dies, the receivers'
 * own expiry (the event's contract) clears the indicator.
 */
export class TypingRelay {
  /** Active typists on this server, by `<socket id>|<room id>`. */
  private readonly typists = new Map<string, Typist>();

  constructor(
    private readonly io: ParleyServer,
    private readonly timings: TypingTimings,
  ) {}

  /** A connection says its user is typing in a room (`typing` true) or stopped. */
  update(socketId: string, user: PublicUser, roomId: number, typing: boolean): void {
    const key = `${socketId}|${roomId}`;
    const typist = this.typists.get(key);
    if (!typing) {
      if (typist) this.stop(key, typist);
      return;
    }
    const now = Date.now();
    if (typist) {
      typist.expiry.refresh();
      // Repeats (the client resends while typing) are relayed only often enough to keep
      // the receivers' own expiry from clearing the indicator.
      if (now - typist.lastAnnouncedAt < this.timings.rebroadcastMs) return;
      typist.lastAnnouncedAt = now;
    } else {
      const expiry = setTimeout(() => {
        const current = this.typists.get(key);
        if (current) this.stop(key, current);
      }, this.timings.expireMs);
      this.typists.set(key, { user, roomId, expiry, lastAnnouncedAt: now });
    }
    this.relay(user, roomId, true);
  }

  /** The connection left the room or closed: its typing, if any, stops now. */
  left(socketId: string, roomId: number): void {
    const key = `${socketId}|${roomId}`;
    const typist = this.typists.get(key);
    if (typist) this.stop(key, typist);
  }

  /** Clears every timer (shutdown); announces nothing. */
  close(): void {
    for (const typist of this.typists.values()) clearTimeout(typist.expiry);
    this.typists.clear();
  }

  private stop(key: string, typist: Typist): void {
    clearTimeout(typist.expiry);
    this.typists.delete(key);
    this.relay(typist.user, typist.roomId, false);
  }

  private relay(user: PublicUser, roomId: number, typing: boolean): void {
    this.io.to(liveRoom(roomId)).except(userRoom(user.id)).emit('typing', roomId, user, typing);
  }
}
