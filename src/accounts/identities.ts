import { createHash } from 'node:crypto';
import type { PublicUser } from '../shared/events.js';
import type { Logger } from '../log.js';
import { joinUserRoom } from '../presence/connection-rooms.js';
import { leaveUnreadableRooms } from './unreadable-rooms.js';
import { browserRoom, sessionRoom } from '../socket-rooms.js';
import type { Account } from '../store/accounts.js';
import type { Store } from '../store/store.js';
import type { ParleyServer, ParleySocket } from '../types.js';
import { GuestNames } from './guest-names.js';
import { automaticGuestName } from './names.js';
import type { SessionCookies } from './session-cookies.js';



/**
 * How long after a sign-in or sign-out presence takes the new user of a connection for the
 * one it was: long enough for every tab of the browser session, on every server, to follow.
 */
const SWITCH_REMEMBERED_MS = 30_000;

/** The public face of an account. */
export const accountUser = (account: Account): PublicUser => ({ id: `a:${account.id}`, name: account.username, kind: 'account' });

/**
 * A guest is its browser session (every tab of it), or its connection when it has no
 * cookie; the id is a hash of that, so it reveals nothing about the cookie.
 */
export const guestId = (senderKey: string): string => `g:${createHash('sha256').update(senderKey).digest('base64url').slice(0, 16)}`;

/** Who a connection is, and the rooms its identity is shared through. */
export interface Identity {
  readonly user: PublicUser;
  /** The account session's token hash; undefined for guests. */
  readonly session: string | undefined;
}

/**
 * The identity of connections: decided at the handshake, then changed by sign-in, sign-out
 * and rename for every tab of the browser session at once, on every server of the cluster.
 */
export class Identities {
  readonly guestNames: GuestNames;

  constructor(
    private readonly io: ParleyServer,
    private readonly store: Store,
    private readonly log: Logger,
    private readonly clustered: boolean,
    /** Issues and checks the browser session cookies (sign-in hands out a new one). */
    readonly cookies: SessionCookies,
  ) {
    this.guestNames = new GuestNames(io, store, log.child({ module: 'guest-names' }), clustered);
    io.on('identity:changed', (rooms, user, session) => this.applyLocally(rooms, user, session ?? undefined));
  }

  /** The guest identity of a connection: its earlier name if still free, else a new one. */
  async guest(senderKey: string): Promise<Identity> {
    const id = guestId(senderKey);
    return { user: { id, name: await this.guestNames.nameFor(id), kind: 'guest' }, session: undefined };
  }

  /** The guest identity of a connection that cannot have chosen a name yet (see identify's `newVisitor`): its automatic name. */
  newGuest(senderKey: string): Identity {
    const id = guestId(senderKey);
    return { user: { id, name: automaticGuestName(id), kind: 'guest' }, session: undefined };
  }

  /** Fills `socket.data` with `identity` (at the handshake, before the socket is connected). */
  assign(socket: ParleySocket, identity: Identity): void {
    const before = socket.data.user as PublicUser | undefined;
    // A new user on the same tabs (sign-in, sign-out) is one person to everyone watching.
    if (before !== undefined && before.id !== identity.user.id) socket.data.was = { user: before, until: Date.now() + SWITCH_REMEMBERED_MS };
    socket.data.user = identity.user;
    socket.data.nickname = identity.user.name;
    socket.data.session = identity.session;
  }

  /**
   * A new connection: told who it is (`session:user`), joins the rooms its identity is
   * shared through, and frees its guest name on leaving.
   */
  track(socket: ParleySocket, browserSession: string | undefined): void {
    const scope = browserSession === undefined ? undefined : browserRoom(browserSession);
    if (scope !== undefined) void socket.join(scope);
    if (socket.data.session !== undefined) void socket.join(sessionRoom(socket.data.session));
    socket.on('disconnect', () => void this.guestNames.left(socket, scope));
    this.tell(socket);
  }

  /**
   * Changes who `socket` is, together with every other tab of its browser session, on
   * every server; each of them gets `session:user`. Sockets elsewhere that used an ended
   * session (`endedSession`, e.g. the same token in another program) are disconnected: their
   * token no longer works, and their reconnect is refused with a reason.
   */
  change(socket: ParleySocket, browserSession: string | undefined, identity: Identity, endedSession?: string): void {
    const scope = browserSession === undefined ? socket.id : browserRoom(browserSession);
    this.applyLocally([scope], identity.user, identity.session);
    if (this.clustered && browserSession !== undefined) this.io.serverSideEmit('identity:changed', [scope], identity.user, identity.session ?? null);
    if (endedSession !== undefined) this.io.in(sessionRoom(endedSession)).except(scope).disconnectSockets(true);
  }

  /** Stops the guest name renewals (shutdown). */
  close(): void {
    this.guestNames.close();
  }

  /**
   * `session:user` to one socket, sent at once: with connection state recovery on, a plain
   * `socket.emit` goes through the cluster adapter asynchronously and would reach the client
   * after the acknowledgement of the request that changed the identity. A local broadcast
   * to the socket's own room is written at once (and still kept for recovery).
   */
  private tell(socket: ParleySocket): void {
    this.io.local.to(socket.id).emit('session:user', socket.data.user);
  }

  private applyLocally(rooms: readonly string[], user: PublicUser, session: string | undefined): void {
    const namespace = this.io.of('/');
    const ids = new Set(rooms.flatMap((room) => [...(namespace.adapter.rooms.get(room) ?? [])]));
    for (const id of ids) {
      const socket = namespace.sockets.get(id);
      if (!socket) continue;
      if (socket.data.session !== undefined && socket.data.session !== session) void socket.leave(sessionRoom(socket.data.session));
      this.assign(socket, { user, session });
      // Presence counts users by their `user:<id>` room: move the socket to its new user's.
      joinUserRoom(socket);
      if (session !== undefined) void socket.join(sessionRoom(session));
      this.tell(socket);
      leaveUnreadableRooms(socket, this.store).catch((error: unknown) => {
        // Unsure what it may still read: the connection starts over and re-follows as its new user.
        this.log.warn({ err: error, socketId: socket.id }, 'rooms not re-checked after an identity change; closing the connection');
        socket.conn.close();
      });
    }
    this.log.debug({ userId: user.id, sockets: ids.size }, 'identity changed');
  }
}
