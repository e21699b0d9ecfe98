/**
 * The typed event maps shared by the server, the web client, the tests and the benchmark.
 * No Node imports here: the browser build compiles this file too.
 */
import type { Ack } from './errors.js';
import type { MessageEnvelope } from './message.js';

/** What the server acknowledges for a stored `chat message`. */
export interface SentMessage {
  /** The message's offset in its room. */
  readonly serverOffset: number;
  /** True when this was a repeat of a message already stored (a retry). */
  readonly duplicate: boolean;
}

/** A person as other people see them. One user is one identity across all of their tabs. */
export interface PublicUser {
  /** Stable id: `a:<n>` for accounts, `g:<random>` for guests. */
  readonly id: string;
  /** The nickname (guests) or username (accounts); unique among online users and accounts. */
  readonly name: string;
  readonly kind: 'guest' | 'account';
}

/** A room as listed to a user. Offsets are per room; `readOffset` is the user's read marker. */
export interface RoomSummary {
  readonly id: number;
  /** Public rooms: their unique name. Direct rooms: `dm:<userId>:<userId>`. */
  readonly name: string;
  readonly kind: 'public' | 'direct';
  /** Direct rooms: the two participants. */
  readonly participants?: readonly PublicUser[];
  /** The highest offset in the room. */
  readonly head: number;
  /** The user's read marker: every event at or below it has been read. */
  readonly readOffset: number;
  /**
   * Messages (not edits or deletions) above the read marker, not written by the user,
   * counted among the room's latest 2,000 events and at most 1,000 (src/shared/unread.ts).
   */
  readonly unread: number;
  /** Of those, the ones that mention the user (`@name`), unless deleted since. */
  readonly mentions: number;
  /** Whether the user is a member (follows the room). */
  readonly member: boolean;
  /**
   * The epoch of the room's history: offsets (`head`, `readOffset`, every event's) name
   * events within it only. It changes when the history is replaced (a backup restored);
   * a client keeps it beside its offsets and presents it with them (`auth.epochs`, and
   * `epoch` in `room:join`, `history:before`, `read:mark` and the message events).
   */
  readonly epoch: string;
}

/** A public room as the directory lists it: the same for every user. */
export interface DirectoryRoom {
  readonly id: number;
  readonly name: string;
  /** How many users are members. */
  readonly members: number;
  /** The room's highest offset: join with it as `after` to follow from now on. */
  readonly head: number;
  /** The epoch `head` belongs to (see RoomSummary.epoch). */
  readonly epoch: string;
}

/** One page of the room directory. */
export interface RoomDirectoryPage {
  /** Ordered by name, letter case ignored (then by id). */
  readonly rooms: readonly DirectoryRoom[];
  /** An opaque cursor: send it as `after` for the next page; null on the last page. */
  readonly next: string | null;
}

/**
 * One entry of a room's history. Edits and deletions are events of their own, at their
 * own offsets, naming the message they change (`target`), so a client that replays the
 * history in order converges to the same state.
 */
export interface RoomEvent {
  readonly roomId: number;
  readonly offset: number;
  /**
   * `react` / `unreact`: `author` added or took back the emoji `text` on message `target`.
   * A user reacts with an emoji at most once: replayed in order, the last of their
   * react/unreact of that emoji on that message decides.
   */
  readonly kind: 'message' | 'edit' | 'delete' | 'react' | 'unreact';
  readonly author: PublicUser;
  /** The text (message, edit), the emoji (react, unreact); empty for a deletion. */
  readonly text: string;
  /** The offset of the message an edit, deletion or reaction is about. */
  readonly target?: number;
  readonly createdAt: number;
  /** The sender's id for this event (`clientId` of message:send), so its tab can match it. */
  readonly clientId?: string;
  /**
   * Present on a tombstone: the event's text was erased (and `text` is empty). A message,
   * or an edit or reaction of it, whose message was deleted: `by` deleted it, at `at`. An
   * edit that a newer edit of the same message replaced: `by` wrote the newer one. Show
   * a deleted message as deleted; a tombstone edit or reaction changes nothing.
   */
  readonly redacted?: { readonly by: PublicUser; readonly at: number };
}

/** One page of `search:messages`. */
export interface SearchResults {
  /** Newest first: each message (kind 'message') with the text it has now. */
  readonly hits: readonly { readonly event: RoomEvent; readonly roomName: string }[];
  /** Send as `before` for the next page; null on the last page. */
  readonly next: number | null;
}

/** Someone joined or left a room, or came online or went offline (room null). */
export interface PresenceNotice {
  readonly roomId: number | null;
  readonly user: PublicUser;
  readonly status: 'joined' | 'left' | 'online' | 'offline';
  /**
   * `online` and `joined` only: the identity the same tabs had until now (a guest who signed
   * in, an account that signed out). One person: show `user` in its place; it did not leave.
   */
  readonly was?: PublicUser;
}

/** What an account request answers. */
export interface Session {
  readonly user: PublicUser;
  /** Send as `auth.token` on later handshakes. */
  readonly token: string;
  /**
   * A one-minute code for the browser's new session cookie: `POST /session` with it as the
   * body sets the cookie (a sign-in never keeps the cookie the browser held before).
   */
  readonly exchange: string;
}

/** What a moderator did to this user, sent to every tab of theirs. */
export interface ModerationNotice {
  readonly action: 'kick' | 'ban' | 'mute' | 'unmute' | 'move-in' | 'move-out';
  /** The room of a mute or move; null otherwise. */
  readonly roomId: number | null;
  readonly reason: string;
  /** The moderator's name. */
  readonly by: string;
  /** When a ban or mute ends by itself (milliseconds since the epoch); null for never. */
  readonly until: number | null;
}

/** A ban or mute in force, as moderators see it. */
export interface RestrictionView {
  readonly kind: 'ban' | 'mute';
  readonly userId: string;
  readonly roomId: number | null;
  readonly reason: string;
  readonly by: string;
  readonly createdAt: number;
  readonly expiresAt: number | null;
}

/** One moderation action, as the audit log keeps it. */
export interface AuditView {
  readonly id: number;
  readonly at: number;
  readonly actor: string;
  readonly actorName: string;
  readonly action: string;
  readonly target: string | null;
  readonly roomId: number | null;
  readonly detail: string;
}

/** A user's role: what they may do beyond chatting. */
export type RoleName = 'member' | 'moderator' | 'admin';

type Answer<T> = (result: Ack<T>) => void;

/**
 * Events a client sends. Arguments are typed `unknown` on purpose: they come off the wire
 * and every handler validates them before use.
 */
export interface ClientToServerEvents {
  /** The tutorial's event: store `text` in the default room, then broadcast it. */
  'chat message': (text: unknown, clientOffset: unknown, ack?: (result: Ack<SentMessage>) => void) => void;

  /** Create an account ({ username, password }) and sign this connection in. */
  'account:register': (payload: unknown, ack: Answer<Session>) => void;
  /** Sign in ({ username, password }); every tab of this browser session follows. */
  'account:login': (payload: unknown, ack: Answer<Session>) => void;
  /** Sign out: the token stops working; the connection becomes a guest again. */
  'account:logout': (payload: unknown, ack: Answer<PublicUser>) => void;
  /** Pick a guest nickname ({ nickname }). */
  'guest:nickname': (payload: unknown, ack: Answer<PublicUser>) => void;

  /** The user's own rooms (public and direct) and `general`, with unread counts. */
  'room:list': (payload: unknown, ack: Answer<RoomSummary[]>) => void;
  /**
   * One page of the public rooms by name ({ query?, after?, limit? }): `query` a name
   * prefix (letter case ignored), `after` the previous page's `next`, `limit` 1–100 (50).
   */
  'room:directory': (payload: unknown, ack: Answer<RoomDirectoryPage>) => void;
  /** Create a public room ({ name }) and join it. */
  'room:create': (payload: unknown, ack: Answer<RoomSummary>) => void;
  /**
   * Join (or re-follow after a reconnect) a room ({ roomId, after }): the server sends
   * every event above `after` once, in order, then the live stream.
   */
  'room:join': (payload: unknown, ack: Answer<RoomSummary>) => void;
  /** Leave a room ({ roomId }): membership ends, its events stop. */
  'room:leave': (payload: unknown, ack: Answer<null>) => void;
  /**
   * Members of a room whose name starts with `prefix` ({ roomId, prefix?, limit? }), by name,
   * letter case ignored: what `@` completes from. Members of the room only.
   */
  'room:members': (payload: unknown, ack: Answer<PublicUser[]>) => void;
  /** Open (or find) the direct room with another user ({ userId }) and join it. */
  'dm:open': (payload: unknown, ack: Answer<RoomSummary>) => void;

  /** Send a message ({ roomId, text, clientId }); a repeat of `clientId` is stored once. */
  'message:send': (payload: unknown, ack: Answer<SentMessage>) => void;
  /** Edit one's own message ({ roomId, target, text, clientId }). */
  'message:edit': (payload: unknown, ack: Answer<SentMessage>) => void;
  /** Delete one's own message ({ roomId, target, clientId }). */
  'message:delete': (payload: unknown, ack: Answer<SentMessage>) => void;
  /**
   * Add or take back an emoji reaction ({ roomId, target, emoji, on, clientId }) on a message
   * of a room the user writes in: stored as a `react` / `unreact` event of the room.
   */
  'message:react': (payload: unknown, ack: Answer<SentMessage>) => void;
  /** Older history ({ roomId, before, limit }): events with offset < before, oldest first. */
  'history:before': (payload: unknown, ack: Answer<RoomEvent[]>) => void;
  /** Move the read marker ({ roomId, offset }); it never moves backwards. */
  'read:mark': (payload: unknown, ack: Answer<RoomSummary>) => void;

  /**
   * Full-text search ({ query, before?, limit? }): messages as they read now containing every
   * word of `query`, in public rooms and the user's direct rooms, newest first.
   */
  'search:messages': (payload: unknown, ack: Answer<SearchResults>) => void;

  /** The user is typing in a room, or stopped ({ roomId, typing }). Never stored. */
  typing: (payload: unknown, ack?: Answer<null>) => void;
  /** Who is online: in one room ({ roomId }) or overall ({}). One entry per user. */
  'presence:list': (payload: unknown, ack: Answer<PublicUser[]>) => void;

  /** This user's role ({}): the web client shows its admin panel to moderators and admins. */
  'mod:me': (payload: unknown, ack: Answer<{ role: RoleName }>) => void;
  /** Moderators: disconnect every connection of a user ({ userId, reason? }). */
  'mod:kick': (payload: unknown, ack: Answer<{ connections: number }>) => void;
  /** Admins: ban a user ({ userId, reason?, minutes? }): disconnected everywhere, refused until it ends. */
  'mod:ban': (payload: unknown, ack: Answer<RestrictionView>) => void;
  /** Admins: lift a ban ({ userId }). */
  'mod:unban': (payload: unknown, ack: Answer<null>) => void;
  /** Moderators: mute a user in a public room ({ userId, roomId, reason?, minutes? }). */
  'mod:mute': (payload: unknown, ack: Answer<RestrictionView>) => void;
  /** Moderators: lift a mute ({ userId, roomId }). */
  'mod:unmute': (payload: unknown, ack: Answer<null>) => void;
  /** Moderators: move a user into or out of a public room ({ userId, roomId, to: 'in' | 'out' }). */
  'mod:move': (payload: unknown, ack: Answer<null>) => void;
  /** Moderators: delete anyone's message in a public room ({ roomId, target, reason? }), as an ordered event. */
  'mod:delete': (payload: unknown, ack: Answer<SentMessage>) => void;
  /** Admins: post a message to every public room ({ text }). */
  'mod:announce': (payload: unknown, ack: Answer<{ rooms: number }>) => void;
  /** Admins: give an account a role ({ username, role }). */
  'mod:role': (payload: unknown, ack: Answer<{ userId: string; role: RoleName }>) => void;
  /** Moderators: the bans and mutes in force ({}). */
  'mod:restrictions': (payload: unknown, ack: Answer<RestrictionView[]>) => void;
  /** Admins: the audit log, newest first ({ before?, limit? }). */
  'mod:audit': (payload: unknown, ack: Answer<AuditView[]>) => void;
  /** Admins: the whole deployment at a glance ({}): every server's figures, and those missing. */
  'mod:stats': (payload: unknown, ack: Answer<DeploymentView>) => void;
}

/** Events the server sends. */
export interface ServerToClientEvents {
  /** The tutorial's event: a message of the default room and its offset there. */
  'chat message': (text: string, serverOffset: number) => void;

  /** A room event, to every follower except the tab that sent it (which has its ack). */
  'room:event': (event: RoomEvent) => void;
  /** A room appeared for this user (created, joined in another tab, a DM opened to them). */
  'room:added': (room: RoomSummary) => void;
  /** A public room was created (to connections that asked `room:directory`, on every server). */
  'room:created': (room: DirectoryRoom) => void;
  /**
   * The epoch this connection presented for a room (`auth.epochs` of its handshake) is not
   * the history's: the history was replaced (a backup restored), and the offsets this client
   * holds name other events, or none. The room is not followed: the client drops what it
   * shows of it and joins again with the new summary's epoch and head (older history from
   * `history:before`). A request that presents an old `epoch` is refused with EPOCH_CHANGED.
   */
  'room:reset': (room: RoomSummary) => void;
  /** This user left a room (in another tab, or was removed). */
  'room:removed': (roomId: number) => void;
  /** A read marker moved (in another tab). */
  'room:read': (room: RoomSummary) => void;
  /** Someone joined or left a room, came online or went offline. */
  presence: (notice: PresenceNotice) => void;
  /** Someone online changed their name (same id): to connections that asked for the online list. */
  'presence:renamed': (user: PublicUser) => void;
  /** `user` is typing in `roomId`, or stopped; expires by itself after a few seconds. */
  typing: (roomId: number, user: PublicUser, typing: boolean) => void;
  /** This connection's identity changed (signed in, out, renamed). */
  'session:user': (user: PublicUser) => void;
  /** A moderator acted on this user (kick and ban: just before the connection closes). */
  moderation: (notice: ModerationNotice) => void;
}

/** A stored message as it travels between the servers of a deployment: ./message.ts. */
export type { MessageEnvelope };

/** Events between the Parley servers (workers and nodes) of one deployment. */
export interface InterServerEvents {
  /**
   * A message was stored, on a server of `node`; every server delivers it to its local
   * sockets in offset order (the sender's node's own hear it from their writer: src/delivery/inbound.ts).
   */
  'message:stored': (message: MessageEnvelope, node: string) => void;
  /** A room's history reaches at least `offset`; servers behind it fetch what they lack. */
  'room:head': (roomId: number, offset: number) => void;
  /**
   * The identity of the sockets in `rooms` changed (sign-in, sign-out, rename): every server
   * applies it to its own sockets there and tells them with `session:user`.
   */
  'identity:changed': (rooms: string[], user: PublicUser, session: string | null) => void;

  /** Presence: every server answers with its own connections' users (src/presence/). */
  'presence:collect': (query: PresenceQuery, answer: (report: NodePresence) => void) => void;
  /**
   * Presence: the sending server coordinates presence (said every second while it does), or
   * answers a younger server's `presence:hello` (an older server is here: do not lead).
   */
  'presence:leader': (node: string) => void;
  /**
   * Presence: a starting server (or, after `presence:resign`, every server) asks who is older;
   * it leads unless an older one answers with `presence:leader` within a short bound.
   */
  'presence:hello': (node: string) => void;
  /** Presence: the coordinator is shutting down; the oldest remaining server takes over at once. */
  'presence:resign': (node: string) => void;
  /** Presence: connections joined or left rooms on the sending server; the coordinator looks again. */
  'presence:changed': () => void;
  /** Presence: the coordinator announced these notices; every server records them to take over. */
  'presence:announced': (notices: PresenceNotice[]) => void;
  /** Presence: a starting server asks what has been announced so far. */
  'presence:state': (answer: (report: NodePresence) => void) => void;
  /** Moderation: bans or mutes changed; every server re-reads them, then answers. */
  'moderation:changed': (answer: (done: boolean) => void) => void;
  /** Operations: every server answers with its own figures (src/operations/deployment-stats.ts). */
  'stats:collect': (answer: (stats: ServerStats) => void) => void;
}

/** One server's figures, as `stats:collect` answers them. */
export interface ServerStats {
  readonly node: string;
  /** The worker's index in its node (0 for a lone process). */
  readonly worker: number;
  /** Workers its node runs: the servers expected from that node. */
  readonly workers: number;
  readonly pid: number;
  /** engine.io connections. */
  readonly clients: number;
  /** Socket.IO sockets of the default namespace. */
  readonly sockets: number;
  /** Chat rooms with live followers here. */
  readonly rooms: number;
  /** Messages this server stored a second, over the last few seconds. */
  readonly messagesPerSecond: number;
  /** Event-loop delay over the last few seconds, in milliseconds. */
  readonly eventLoopDelayMs: { readonly mean: number; readonly p99: number; readonly max: number };
  readonly memory: { readonly rssBytes: number; readonly heapUsedBytes: number };
  readonly uptimeSeconds: number;
}

/** The deployment at a glance (`mod:stats`, `GET /admin/api/stats`). */
export interface DeploymentView {
  readonly servers: readonly ServerStats[];
  /** Expected but silent within the timeout. */
  readonly missing: readonly { readonly node: string; readonly worker: number | null }[];
  readonly totals: { readonly clients: number; readonly sockets: number; readonly messagesPerSecond: number };
  readonly timeoutMs: number;
}

/** What `presence:collect` asks: one chat room's users, or every user with their rooms (null). */
export interface PresenceQuery {
  /** The asking server's presence id; hearing it proves that server is alive. */
  readonly from: string;
  readonly roomId: number | null;
  /**
   * Full reports only (roomId null): the version of each server's report the asker holds.
   * A server whose report has not changed since answers `unchanged`, without its users.
   */
  readonly known?: Readonly<Record<string, number>>;
  /**
   * The coordinator's look (not a client's list): answer with the users that left since the
   * last such look too, so that a stay shorter than the gap between looks is still announced.
   */
  readonly sweep?: true;
}

/** One user as seen by one server: the chat rooms that user's connections follow there. */
export interface UserPresence {
  readonly user: PublicUser;
  readonly rooms: readonly number[];
  /** The identity these connections had moments ago (SocketData.was), while it counts. */
  readonly was?: PublicUser;
}

/** One server's answer to `presence:collect` or `presence:state`: each user once. */
export interface NodePresence {
  /** The answering server's presence id: its start time first, so older servers sort first. */
  readonly node: string;
  readonly users: readonly UserPresence[];
  /** Full answers to `presence:collect`: the version of the server's report, which grows whenever the report changes. */
  readonly version?: number;
  /** The asker's copy of this version is still right; `users` is then empty. */
  readonly unchanged?: boolean;
}

/** What `socket.data` carries for each connection, across servers (fetchSockets). */
export interface SocketData {
  /** Scopes the idempotency of `clientOffset`: the browser session, or the socket itself. */
  senderKey: string;
  /** Shown as the author of this connection's messages. */
  nickname: string;
  /** Who this connection is: the same user on every tab of a browser session or account. */
  user: PublicUser;
  /** The account session this connection is signed in with: its token's SHA-256, never the token. */
  session?: string;
  /**
   * The user this connection was until a sign-in or sign-out, and until when (ms since the
   * epoch) presence treats the two as one person rather than one leaving and one arriving.
   */
  was?: { readonly user: PublicUser; readonly until: number };
}
