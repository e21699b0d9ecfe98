/**
 * The typed event maps shared by the server, the web client, the tests and the benchmark.
 * The client's calls and the server's pushes are declared once, by domain, in ./protocol/:
 * each call's payload schema and answer type, each pushed event's arguments. The maps below
 * are derived from them, so a renamed field fails the build of the server and of the page.
 * No Node imports here: the browser build compiles this file too (types only: no zod).
 */
import type { z } from 'zod';
import type { Ack } from './errors.js';
import type { MessageEnvelope } from './message.js';
import type { AccountCalls, AccountPushes, PublicUser } from './protocol/accounts.js';
import type { MessageCalls, MessagePushes, TutorialCalls } from './protocol/messages.js';
import type { IntegrationCalls } from './protocol/integrations.js';
import type { OutgoingCalls } from './protocol/outgoing.js';
import type { CommandCalls, CommandPushes } from './protocol/commands.js';
import type { ModerationCalls, ModerationPushes, ServerStats } from './protocol/moderation.js';
import type { PasswordCalls } from './protocol/passwords.js';
import type { PinCalls } from './protocol/pins.js';
import type { RetentionCalls } from './protocol/retention.js';
import type { PresenceCalls, PresenceNotice, PresencePushes } from './protocol/presence.js';
import type { ReceiptCalls, ReceiptPushes } from './protocol/receipts.js';
import type { RoomCalls, RoomPushes } from './protocol/rooms.js';
import type { SearchCalls } from './protocol/search.js';
import type { ThreadCalls } from './protocol/threads.js';

export type { PublicUser, Session } from './protocol/accounts.js';
export type { RoomEvent, SentMessage } from './protocol/messages.js';
export type { BotView, WebhookView } from './protocol/integrations.js';
export type { AuditView, DeploymentView, ModerationNotice, RestrictionView, RoleName, ServerStats } from './protocol/moderation.js';
export type { CommandOutcome, RegisteredCommandView } from './protocol/commands.js';
export type { ResetLink } from './protocol/passwords.js';
export type { LinkedMessage, PinnedMessage } from './protocol/pins.js';
export type { PresenceNotice } from './protocol/presence.js';
export type { Receipt, Receipts } from './protocol/receipts.js';
export type { DirectoryRoom, RoomDirectoryPage, RoomSummary } from './protocol/rooms.js';
export type { SearchResults } from './protocol/search.js';
export type { FollowedThread, ThreadSummary, ThreadView } from './protocol/threads.js';

/** Every call of the room protocol (one payload, one acknowledgement), by name: ./protocol/<domain>.ts. */
export type Calls = AccountCalls & RoomCalls & MessageCalls & PinCalls & ThreadCalls & ReceiptCalls & SearchCalls & PresenceCalls & ModerationCalls & IntegrationCalls & OutgoingCalls & PasswordCalls & RetentionCalls & CommandCalls;

/** What a client sends as the payload of `Event`: the input of its schema. */
export type PayloadOf<Event extends keyof Calls> = z.input<Calls[Event]['schema']>;
/** What the acknowledgement of `Event` carries on success. */
export type AnswerOf<Event extends keyof Calls> = Calls[Event]['answer'];

type Answer<T> = (result: Ack<T>) => void;
type TutorialMessage = z.input<TutorialCalls['chat message']['schema']>;

/**
 * Events a client sends: each call's payload as its schema takes it (the server still parses
 * every payload: what comes off the wire is `unknown` until then) and its acknowledgement.
 */
export type ClientToServerEvents = {
  [Event in Exclude<keyof Calls, 'typing'>]: (payload: PayloadOf<Event>, ack: Answer<AnswerOf<Event>>) => void;
} & {
  /** The tutorial's event: store `text` in the default room, then broadcast it. */
  'chat message': (text: TutorialMessage['text'], clientOffset: TutorialMessage['clientOffset'], ack?: Answer<TutorialCalls['chat message']['answer']>) => void;
  /** The user is typing in a room, or stopped. Never stored; the acknowledgement is optional. */
  typing: (payload: PayloadOf<'typing'>, ack?: Answer<AnswerOf<'typing'>>) => void;
};

/** Every event the server pushes, by name, with its arguments: ./protocol/<domain>.ts. */
export type Pushes = MessagePushes & RoomPushes & ReceiptPushes & AccountPushes & PresencePushes & ModerationPushes & CommandPushes;

/** Events the server sends. */
export type ServerToClientEvents = { [Event in keyof Pushes]: (...args: Pushes[Event]) => void };

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
