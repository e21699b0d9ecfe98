import type { z } from 'zod';
import type { Identities } from '../accounts/identities.js';
import type { LoginBackOff } from '../accounts/login-back-off.js';
import type { IssuedIds } from '../auth/issued-ids.js';
import type { Config } from '../config.js';
import type { Appends } from '../delivery/append.js';
import type { Delivery } from '../delivery/delivery.js';
import type { RoomWire } from '../delivery/room-wire.js';
import type { LimitName } from '../limits/catalog.js';
import type { Prices } from '../limits/price.js';
import type { Logger } from '../log.js';
import type { Moderation } from '../moderation/moderation.js';
import type { Restrictions } from '../moderation/restrictions.js';
import type { DeploymentStatistics } from '../operations/deployment-stats.js';
import type { Presence } from '../presence/presence.js';
import type { Follows } from '../rooms/follows.js';
import type { Ack } from '../shared/errors.js';
import type { RoomRecord } from '../store/rooms.js';
import type { Room, Store } from '../store/store.js';
import type { ParleyServer, ParleySocket } from '../types.js';

/** The services every handler shares: one object per server, not per connection. */
export interface Services {
  readonly io: ParleyServer;
  readonly store: Store;
  readonly delivery: Delivery;
  /** The room protocol's wire (a connection's Follows catches up and delivers through it). */
  readonly roomWire: RoomWire;
  /** The one way a message enters a room (store, deliver, wait for the feed). */
  readonly appends: Appends;
  readonly config: Config;
  readonly log: Logger;
  readonly generalRoom: Room;
  /** Who connections are: sign-in, sign-out and guest names (src/accounts/). */
  readonly identities: Identities;
  /** Who is online, join/leave notices and typing (src/presence/). */
  readonly presence: Presence;
  /** The limits every event pays, shared across connections. */
  readonly prices: Prices;
  /** Failed logins per account name, shared across workers and nodes. */
  readonly loginBackOff: LoginBackOff;
  /** Kick, ban, mute, move, delete, announce, roles and the audit log (src/moderation/). */
  readonly moderation: Moderation;
  /** Bans and mutes in force, known to this server (mutes are checked at the door). */
  readonly restrictions: Restrictions;
  /** The whole deployment at a glance (src/operations/). */
  readonly statistics: DeploymentStatistics;
  /** Tells the socket and session ids this deployment issued from any other string (idempotency keys). */
  readonly issuedIds: IssuedIds;
}

/**
 * Who may call an event, checked by the door before the handler runs.
 * - `anyone`: every connection, guest or account.
 * - `guest` / `account`: only guests, only signed-in accounts.
 * - `member`: the user is a member of `roomId` (an unknown room and another user's direct
 *   room are refused alike, as UNKNOWN_ROOM, so the answer reveals nothing).
 * - `follower`: the user may read `roomId` (a public room, or a member) and this connection
 *   follows it live; checked only when the payload names a room.
 * - `writer`: a member, not muted there (MUTED), and this connection follows the room live
 *   through the room protocol (so an acknowledged offset N means the socket was sent every
 *   other event below N).
 * - `author`: a writer, and `target` is a live message of the room written by this user.
 */
export type Access<Input> =
  | 'anyone'
  | 'guest'
  | 'account'
  | ('roomId' extends keyof Input ? 'member' | 'follower' | 'writer' | ('target' extends keyof Input ? 'author' : never) : never);

/** One call of an event, after the door let it in. */
export interface Call<Input> {
  readonly input: Input;
  readonly socket: ParleySocket;
  /** This connection's rooms (the room protocol). */
  readonly follows: Follows;
  /** The room the access rule read (`member`; `follower` when a room was named); `writer` and `author` read it once per follow, so pass none. */
  readonly room: RoomRecord | undefined;
  /** The client's address, as limits count it. */
  readonly address: string;
  readonly services: Services;
}

/**
 * One client event as the door runs it: its payload schema, its price (the limits it takes,
 * in order, shared across connections), who may call it, and its handler. The handler
 * answers with an Ack; anything it throws is mapped to an error code by the door.
 */
export interface EventSpec<Schema extends z.ZodType, Output> {
  /** What the schema parses, made of the event's arguments: @default the first argument. */
  readonly arguments?: (payload: readonly unknown[]) => unknown;
  readonly schema: Schema;
  /**
   * The limits the event takes, in order; a function of the raw arguments when the price
   * depends on them (it may only peek: the payload is not validated yet).
   */
  readonly price: readonly LimitName[] | ((payload: readonly unknown[]) => readonly LimitName[]);
  readonly access: Access<z.output<Schema>>;
  readonly handle: (call: Call<z.output<Schema>>) => Promise<Ack<Output>>;
  /**
   * The tutorial's `chat message`: its client takes any acknowledgement as success, so a
   * failure that a retry could fix (UNAVAILABLE, INTERNAL) is left unanswered and the client retries.
   */
  readonly silentWhenRetriable?: boolean;
}

/** Declares an event (the identity function, for type inference). */
export const defineEvent = <Schema extends z.ZodType, Output>(spec: EventSpec<Schema, Output>): EventSpec<Schema, Output> => spec;
