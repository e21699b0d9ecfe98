import type { Delivery } from '../delivery/delivery.js';
import { liveRoom } from '../socket-rooms.js';
import type { RoomWire } from '../delivery/room-wire.js';
import type { Logger } from '../log.js';
import type { PublicUser } from '../shared/events.js';
import type { ParleySocket } from '../types.js';

/**
 * How long a membership read stands for a follow (Follows.rememberMember): the longest a
 * user removed from a room on a node cut from Redis may still write there from another
 * node. A busy writer reads it again once per this period instead of once per message.
 */
const MEMBERSHIP_REMEMBERED_MS = 30_000;

/**
 * The rooms one socket follows through the room protocol. Following a room means: caught
 * up from an offset, then in the room's live Socket.IO room (Delivery.catchUp does both,
 * exactly once and in order). A socket follows a room at most once at a time, so a second
 * join never doubles its deliveries.
 */
export class Follows {
  private readonly following = new Map<number, Promise<boolean>>();
  /** Rooms whose membership a store read confirmed after the socket went live there (see rememberMember). */
  private readonly members = new Map<number, { readonly attempt: Promise<boolean>; readonly user: PublicUser; readonly term: number; readonly until: number }>();
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
    return (await this.liveness(roomId)).live;
  }

  /**
   * What isLive found, taken before a membership read so that the read comes after the
   * socket joined the live room: hand both to rememberMember.
   */
  async liveness(roomId: number): Promise<Liveness> {
    // Before waiting: a loss of the link while this waits makes the answer unusable.
    const term = this.delivery.linkTerm;
    await this.restoring;
    const attempt = this.following.get(roomId);
    const live = attempt !== undefined && (await attempt) && this.socket.rooms.has(liveRoom(roomId));
    return { roomId, live, attempt, term };
  }

  /**
   * Records that a store read, made after `liveness` found the socket live, found `user` a
   * member of the room. From then on, while the socket stays live in the room through that
   * same follow, as that same user, and no link between servers was lost, the user is
   * still a member (isLiveMember), without asking the store again. Why it holds:
   * membership ends only by room:leave or a moderator's move, and both remove it in the
   * store first, then take every socket of the user out of the live room on every server
   * (socketsLeave to the user's room). The read came after this socket joined, so a later
   * removal's socketsLeave finds it in the room and takes it out; a follow that joined
   * after a removal's socketsLeave went by is never remembered, since the read after its
   * join finds no membership. It is read again after an identity change, which assigns a
   * new user object even for the same id (Identities.assign: while the socket was someone
   * else, it was not in the user's room, so a socketsLeave could miss it), after a lost
   * link (Redis), which may have lost a socketsLeave, and at the latest after
   * MEMBERSHIP_REMEMBERED_MS: a server whose own link to Redis is down fails its
   * socketsLeave at once, and this server, its link up, cannot know.
   */
  rememberMember(seen: Liveness, user: PublicUser): void {
    const { roomId, live, attempt, term } = seen;
    if (!live || attempt === undefined || term === undefined || term !== this.delivery.linkTerm || this.following.get(roomId) !== attempt) return;
    this.members.set(roomId, { attempt, user, term, until: performance.now() + MEMBERSHIP_REMEMBERED_MS });
  }

  /**
   * Whether the socket is live in the room and `user` (the connection's user object) known
   * to be a member with no store read (see rememberMember). False means: unknown, ask the store.
   */
  async isLiveMember(roomId: number, user: PublicUser): Promise<boolean> {
    const known = this.members.get(roomId);
    if (!known || known.user !== user || known.term !== this.delivery.linkTerm || this.following.get(roomId) !== known.attempt || performance.now() > known.until) {
      return false;
    }
    const { live, attempt } = await this.liveness(roomId);
    return live && attempt === known.attempt;
  }

  /** Stops following: a catch-up in progress stops before joining, a live socket leaves. */
  async unfollow(roomId: number): Promise<void> {
    this.following.delete(roomId);
    this.members.delete(roomId);
    await this.socket.leave(liveRoom(roomId));
  }
}

/** What Follows.liveness found: whether the socket is live in the room, through which follow, in which link term. */
export interface Liveness {
  readonly roomId: number;
  readonly live: boolean;
  readonly attempt: Promise<boolean> | undefined;
  readonly term: number | undefined;
}
