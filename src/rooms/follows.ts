import type { Delivery } from '../delivery/delivery.js';
import { liveRoom } from '../socket-rooms.js';
import type { RoomWire } from '../delivery/room-wire.js';
import type { Logger } from '../log.js';
import type { ParleySocket } from '../types.js';

/**
 * The rooms one socket follows through the room protocol. Following a room means: caught
 * up from an offset, then in the room's live Socket.IO room (Delivery.catchUp does both,
 * exactly once and in order). A socket follows a room at most once at a time, so a second
 * join never doubles its deliveries.
 */
export class Follows {
  private readonly following = new Map<number, Promise<boolean>>();
  /** The handshake's re-follow: until it has started every follow, isLive waits for it. */
  private restoring: Promise<void> = Promise.resolve();

  constructor(
    private readonly socket: ParleySocket,
    private readonly delivery: Delivery,
    private readonly wire: RoomWire,
    private readonly log: Logger,
  ) {}

  /**
   * Follows `roomId` from `afterOffset` unless the socket follows it already; resolves
   * with true once the socket is live in the room (false when it disconnected first).
   */
  async follow(roomId: number, afterOffset: number): Promise<boolean> {
    const current = this.following.get(roomId);
    // Already following and still live: nothing to do. (Another tab's room:leave takes a
    // socket out of the live room, so a later join must follow again.)
    if (current && (await current) && this.following.get(roomId) === current && this.socket.rooms.has(liveRoom(roomId))) return true;
    if (!this.socket.connected) return false;
    const attempt: Promise<boolean> = this.delivery
      .catchUp(this.socket, roomId, afterOffset, this.wire, () => this.following.get(roomId) === attempt)
      .catch((error: unknown) => {
        this.log.warn({ err: error, socketId: this.socket.id, roomId }, 'room catch-up failed; closing the connection so the client reconnects');
        // Closing the transport, not disconnect(): a client reconnects by itself only after a transport loss.
        this.socket.conn.close();
        return false;
      });
    this.following.set(roomId, attempt);
    return attempt;
  }

  /**
   * Runs the handshake's re-follow; until `work` settles, isLive waits, so an event sent
   * right after connecting is not refused for a follow that is about to start.
   */
  restore(work: Promise<void>): void {
    this.restoring = work.catch(() => undefined);
  }

  /** Whether the socket is live in the room, after waiting for a catch-up in progress. */
  async isLive(roomId: number): Promise<boolean> {
    await this.restoring;
    const current = this.following.get(roomId);
    return current !== undefined && (await current) && this.socket.rooms.has(liveRoom(roomId));
  }

  /** Stops following: a catch-up in progress stops before joining, a live socket leaves. */
  async unfollow(roomId: number): Promise<void> {
    this.following.delete(roomId);
    await this.socket.leave(liveRoom(roomId));
  }
}
