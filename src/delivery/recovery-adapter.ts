import { NodeClusterAdapter } from '@socket.io/cluster-adapter';
import type { Namespace } from 'socket.io';
import { SessionAwareAdapter, type ClusterAdapterOptions, type Session } from 'socket.io-adapter';
import { isSameClient, recoveryKeyOf, watchPresentedHandshakes, withRecoveryKey, type PresentedHandshake } from './recovery-key.js';

/** Whether a Socket.IO room holds a chat room's live (caught-up) followers. */
export type IsLiveRoom = (room: string) => boolean;

/** What Socket.IO hands the adapter when a connection drops for a reason it may recover from. */
type SessionToPersist = Parameters<SessionAwareAdapter['persistSession']>[0];

/** What restoreSession answers when there is nothing to restore (see LocalRecoveryAdapter.restoreSession). */
const NO_SESSION = Promise.resolve(null) as unknown as Promise<Session>;

const withoutLiveRooms = (session: SessionToPersist, isLiveRoom: IsLiveRoom): SessionToPersist => ({
  ...session,
  rooms: session.rooms.filter((room) => !isLiveRoom(room)),
});

/**
 * Socket.IO's in-memory adapter with connection state recovery (the one Socket.IO itself
 * picks for a lone process when recovery is on), keeping live rooms out of the sessions it
 * keeps.
 *
 * Contract: a session persisted on disconnect, and so a connection recovered from it, never
 * holds a room for which `isLiveRoom` is true; every other room (a user's tabs, presence
 * watchers) is kept and restored as usual. Why: Socket.IO puts a recovered socket back in
 * its rooms before any middleware or handler runs, and in a live room it would receive new
 * messages above a gap before delivery caught it up from the store. Delivery joins it to
 * the live room itself, at the exact offset its feed has reached (Delivery.catchUp).
 *
 * Contract: a session is restored only to a connection of the same client, the one whose
 * handshake presents the same recovery key (the browser session's signed cookie, else the
 * account token: see recovery-key.ts); any other connection presenting its recovery id
 * (`pid`) gets a new socket: new id, no rooms, no data, none of the missed packets. Why
 * here and not in a middleware: Socket.IO builds the recovered socket, joins its rooms and
 * writes its missed packets before any middleware runs, under the socket id the original
 * client's own live socket may hold.
 *
 * Needs `connectionStateRecovery` in the server options (the parent reads its window).
 */
export class LocalRecoveryAdapter extends SessionAwareAdapter {
  /** The handshake presenting a recovery id, while Socket.IO asks to restore it. */
  private readonly presented: () => PresentedHandshake | undefined;

  constructor(
    private readonly namespace: Namespace,
    private readonly isLiveRoom: IsLiveRoom,
  ) {
    super(namespace);
    this.presented = watchPresentedHandshakes(namespace);
  }

  override persistSession(session: SessionToPersist): void {
    // Still in the namespace: Socket.IO persists before it removes the socket.
    const socket = this.namespace.sockets.get(session.sid);
    const key = socket && recoveryKeyOf({ conn: socket.conn, auth: socket.handshake.auth });
    super.persistSession(withRecoveryKey(withoutLiveRooms(session, this.isLiveRoom), key));
  }

  /**
   * The session, if the connection presenting `pid` is the client that left it; else none
   * (null: socket.io-adapter's declared type omits it, its own adapters answer it for "no
   * session", and Socket.IO then makes a new socket).
   */
  override async restoreSession(pid: string, offset: string): Promise<Session> {
    // Read before any await: the presented handshake is known only synchronously.
    const presented = this.presented();
    const key = presented && recoveryKeyOf(presented);
    const session = await super.restoreSession(pid, offset);
    return session && isSameClient(session, key) ? session : NO_SESSION;
  }
}

/**
 * Holds an adapter made by a library factory (Socket.IO's Redis Streams adapter, whose class
 * is not exported, so it cannot be extended) to the same two contracts as
 * LocalRecoveryAdapter: the sessions it persists (in Redis, read back by whichever node the
 * client reconnects to) never hold a live room and carry their client's recovery key, and a
 * session is restored only to a connection presenting the same key. Returns the same adapter.
 */
export function holdToRecoveryContract<A extends Pick<SessionAwareAdapter, 'persistSession' | 'restoreSession'>>(
  adapter: A,
  namespace: Namespace,
  isLiveRoom: IsLiveRoom,
): A {
  const persist = adapter.persistSession.bind(adapter);
  const restore = adapter.restoreSession.bind(adapter);
  const presented = watchPresentedHandshakes(namespace);
  // Own properties of this one instance, like the factory's own wrapping of close().
  adapter.persistSession = (session: SessionToPersist) => {
    const socket = namespace.sockets.get(session.sid);
    const key = socket && recoveryKeyOf({ conn: socket.conn, auth: socket.handshake.auth });
    persist(withRecoveryKey(withoutLiveRooms(session, isLiveRoom), key));
  };
  adapter.restoreSession = async (pid: string, offset: string): Promise<Session> => {
    // Read before any await: the presented handshake is known only synchronously.
    const handshake = presented();
    const key = handshake && recoveryKeyOf(handshake);
    const session = await restore(pid, offset);
    return session && isSameClient(session, key) ? session : NO_SESSION;
  };
  return adapter;
}

/**
 * Socket.IO's node:cluster adapter under the same contract as LocalRecoveryAdapter.
 *
 * Today (socket.io-adapter 2.5) it keeps no session at all: its persistSession is the base
 * Adapter's no-op and restoreSession answers null, so no connection is ever recovered in a
 * cluster. The override holds the contract should a version start to keep them.
 */
export class ClusterRecoveryAdapter extends NodeClusterAdapter {
  constructor(
    nsp: Namespace,
    options: ClusterAdapterOptions,
    private readonly isLiveRoom: IsLiveRoom,
  ) {
    super(nsp, options);
  }

  override persistSession(session: SessionToPersist): void {
    super.persistSession(withoutLiveRooms(session, this.isLiveRoom));
  }
}
