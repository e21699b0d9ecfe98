import type { ReadReceipts } from '../rooms/receipts.js';
import type { z } from 'zod';
import type { Identities } from '../accounts/identities.js';
import type { PasswordChanges } from '../passwords/password-changes.js';
import type { LoginBackOff } from '../accounts/login-back-off.js';
import type { IssuedIds } from '../auth/issued-ids.js';
import type { Config } from '../config.js';
import type { Appends } from '../delivery/append.js';
import type { Delivery } from '../delivery/delivery.js';
import type { RoomWire } from '../delivery/room-wire.js';
import type { LimitName } from '../limits/catalog.js';
import type { Prices } from '../limits/price.js';
import type { Logger } from '../log.js';
import type { Actor, Moderation } from '../moderation/moderation.js';
import type { Restrictions } from '../moderation/restrictions.js';
import type { DeploymentStatistics } from '../operations/deployment-stats.js';
import type { Presence } from '../presence/presence.js';
import type { Follows } from '../rooms/follows.js';
import type { Ack } from '../shared/errors.js';
import type { PublicUser } from '../shared/events.js';
import type { Bots } from '../integrations/bots.js';
import type { FileStore } from '../files/file-store.js';
import type { Webhooks } from '../integrations/webhooks.js';
import type { OutgoingWebhooks } from '../integrations/outgoing-webhooks.js';
import type { RegisteredCommands } from '../commands/registered-commands.js';
import type { SingleSignOn } from '../sso/single-sign-on.js';
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
  /** Bot accounts and their tokens (src/integrations/). */
  readonly bots: Bots;
  /** Incoming webhooks and their secrets (src/integrations/). */
  readonly webhooks: Webhooks;
  /** Where uploaded files are kept (src/files/). */
  readonly files: FileStore;
  /** Outgoing webhooks and their parked deliveries (src/integrations/outgoing-webhooks.ts). */
  readonly outgoing: OutgoingWebhooks;
  /** Password changes and reset links (src/passwords/password-changes.ts). */
  readonly passwords: PasswordChanges;
  /** Read receipts of small rooms (src/rooms/receipts.ts). */
  readonly receipts: ReadReceipts;
  /** Registered slash commands: made by admins, run by `command:run` (src/commands/). */
  readonly commands: RegisteredCommands;
  /** OpenID Connect sign-in (src/sso/), when PARLEY_OIDC_ISSUER configures it. */
  readonly sso: SingleSignOn | undefined;
}

/**
 * Who may call an event, checked by the pipeline (pipeline.ts) before the handler runs.
 * - `anyone`: every connection, guest or account.
 * - `guest` / `account`: only guests, only signed-in accounts.
 * - `moderator` / `admin`: a user whose role, as stored at the moment of the call, is at
 *   least that (FORBIDDEN otherwise), or the operator over the HTTP doorway. The handler gets
 *   the caller as an Actor, with that rank, and no connection: these are the only events
 *   the HTTP doorway may enter (EventSpec.http).
 * - `general-writer`: not muted in `general` (the tutorial's `chat message`).
 * - `member`: the user is a member of `roomId` (an unknown room and another user's direct
 *   room are refused alike, as UNKNOWN_ROOM, so the answer reveals nothing).
 * - `reader`: the user may read `roomId`, whichever public room it is (its messages are found by search
 *   anyway), a direct room only as a member. For reading a room without joining it.
 * - `follower`: the user may read `roomId` (a public room, or a member) and this connection
 *   follows it live; checked only when the payload names a room.
 * - `writer`: a member, not muted there (MUTED), and this connection follows the room live
 *   through the room protocol (so an acknowledged offset N means the socket was sent every
 *   other event below N).
 * - `live-target`: a writer, and `target` is a live message of the room (anyone's).
 * - `author`: a live-target written by this user.
 * - `unpinner`: a writer, `target` is pinned (NOT_PINNED otherwise), and the user pinned it,
 *   is a member of the direct room, or is a moderator or admin (FORBIDDEN otherwise; ./pin-access.ts).
 * - `bot`, `bot-member`, `bot-writer`, `bot-target`, `bot-author`: a bot over its HTTP API
 *   (BotCall: no connection). `bot` asks nothing more; the others ask what `member`,
 *   `writer`, `live-target` and `author` ask, without a connection to follow the room: the
 *   room must be one the bot was given (a member), not muted there, and so on.
 * - `webhook`: an incoming webhook's delivery (HookCall): its URL and secret were checked.
 * - `file-reader`, `file-writer`: a signed-in account over the file doorway (HttpAccountCall:
 *   no connection; src/events/file-doorway.ts), not banned, a member of `roomId` (another's
 *   direct room and an unknown room alike UNKNOWN_ROOM); a writer is not muted there either.
 * - `exporter`, `export-admin`: a signed-in account over the export doorway (HttpAccountCall;
 *   src/events/export-doorway.ts), not banned; an export-admin's role, as stored at the
 *   moment of the call, is admin (FORBIDDEN otherwise).
 *
 * - `visitor`: anyone over the single sign-on doorway (VisitorCall: no account yet, no
 *   connection; src/events/sso-doorway.ts): signing in is how one becomes an account.
 *
 * The HTTP-only levels (bot, webhook, file, export and visitor) are refused over Socket.IO,
 * and each doorway admits only its own.
 *
 * A bot connected over Socket.IO is further confined by the pipeline: only events that
 * declare `bots` are open to it, and only in the rooms it was given (EventSpec.bots).
 */
export type Access<Input> =
  | 'anyone'
  | 'guest'
  | 'account'
  | RoleAccess
  | BotAccess
  | HookAccess
  | ExportAccess
  | VisitorAccess
  | 'general-writer'
  | ('roomId' extends keyof Input ? FileAccess | 'member' | 'reader' | 'follower' | 'writer' | ('target' extends keyof Input ? 'live-target' | 'author' | 'unpinner' : never) : never);

/** The access levels of a role: their events are the operator's too, over HTTP. */
export type RoleAccess = 'moderator' | 'admin';

/** The access levels of the bot's HTTP API: their events are open to bots alone, over HTTP. */
export type BotAccess = 'bot' | 'bot-member' | 'bot-writer' | 'bot-target' | 'bot-author';

/** The access levels of the file doorway: their events are open to accounts over HTTP alone. */
export type FileAccess = 'file-reader' | 'file-writer';

/** The access levels of the export doorway: their events are open to accounts over HTTP alone. */
export type ExportAccess = 'exporter' | 'export-admin';

/** The access level of the sign-in pages: open over HTTP to anyone, who is not signed in yet. */
export type VisitorAccess = 'visitor';

/** The levels whose events a signed-in account calls over an HTTP doorway of its own (HttpAccountCall). */
export type HttpAccountAccess = FileAccess | ExportAccess;

/** The access level of a webhook's delivery. */
export type HookAccess = 'webhook';

/** One call of an event by a connection, after the pipeline let it in. */
export interface ConnectionCall<Input> {
  readonly input: Input;
  readonly socket: ParleySocket;
  /** This connection's rooms (the room protocol). */
  readonly follows: Follows;
  /** The room the access rule read (`member`; `follower` when a room was named); `writer`, `live-target` and `author` read it once per follow, so pass none. */
  readonly room: RoomRecord | undefined;
  /** The client's address, as limits count it. */
  readonly address: string;
  readonly services: Services;
  /** Runs another event as this connection sending it would (src/events/door.ts): for the calls a slash command stands for. */
  readonly dispatch: Dispatch;
}

/**
 * Runs `event` with `payload` for the connection that called: its price paid from the
 * connection's own limits, then the pipeline (schema, access, handler) as if the client had
 * sent it, so a slash command gets the rights, prices and audit of the call it stands for.
 */
export type Dispatch = (event: string, payload: unknown) => Promise<Ack<unknown>>;

/** One call of a role's event (`moderator`, `admin`): by a connection or over HTTP, so no connection. */
export interface RoleCall<Input> {
  readonly input: Input;
  /** Who acts, with their rank now. */
  readonly actor: Actor;
  readonly services: Services;
}

/** One call of the bot's HTTP API, after the pipeline let it in: the bot, and no connection. */
export interface BotCall<Input> {
  readonly input: Input;
  /** The bot, as its messages name it (`b:<id>`). */
  readonly bot: PublicUser;
  /** The room the access rule read (`bot-member`). */
  readonly room: RoomRecord | undefined;
  readonly services: Services;
}

/** A webhook as its delivery reaches the pipeline: which hook, its room, and the delivery's Idempotency-Key. */
export interface HookCaller {
  readonly id: number;
  readonly roomId: number;
  /** The author name of its messages unless the delivery names one. */
  readonly name: string;
  /** The `Idempotency-Key` header: a retried delivery with the same key is stored once. */
  readonly idempotencyKey: string | undefined;
}

/** One delivery of an incoming webhook, after the pipeline let it in. */
export interface HookCall<Input> {
  readonly input: Input;
  readonly hook: HookCaller;
  readonly services: Services;
}

/** One call of the file or export doorway, after the pipeline let it in: the account, and no connection. */
export interface HttpAccountCall<Input> {
  readonly input: Input;
  readonly user: PublicUser;
  /** The client's address, as limits count it. */
  readonly address: string;
  /** The room the access rule read. */
  readonly room: RoomRecord | undefined;
  readonly services: Services;
}

/** One call of the single sign-on doorway: who it is is what the call finds out, so only the address. */
export interface VisitorCall<Input> {
  readonly input: Input;
  /** The client's address, as limits count it. */
  readonly address: string;
  readonly services: Services;
}

/** The call a handler gets: its shape follows the event's access. */
export type Call<Input, Level = Access<Input>> = [Level] extends [RoleAccess]
  ? RoleCall<Input>
  : [Level] extends [BotAccess]
    ? BotCall<Input>
    : [Level] extends [HookAccess]
      ? HookCall<Input>
      : [Level] extends [HttpAccountAccess]
        ? HttpAccountCall<Input>
        : [Level] extends [VisitorAccess]
          ? VisitorCall<Input>
          : ConnectionCall<Input>;

/**
 * One client event as the door runs it: its payload schema, its price (the limits it takes,
 * in order, shared across connections), who may call it, and its handler. The handler
 * answers with an Ack; anything it throws is mapped to an error code by the door.
 */
export interface EventSpec<Schema extends z.ZodType, Output, Level extends Access<z.output<Schema>> = Access<z.output<Schema>>> {
  /** What the schema parses, made of the event's arguments: @default the first argument. */
  readonly arguments?: (payload: readonly unknown[]) => unknown;
  readonly schema: Schema;
  /**
   * The limits the event takes, in order; a function of the raw arguments when the price
   * depends on them (it may only peek: the payload is not validated yet).
   */
  readonly price: readonly LimitName[] | ((payload: readonly unknown[]) => readonly LimitName[]);
  readonly access: Level;
  readonly handle: (call: Call<z.output<Schema>, Level>) => Promise<Ack<Output>>;
  /**
   * Open over HTTP too, to the operator (a bearer of PARLEY_ADMIN_TOKENS), at
   * `/admin/api/<name after "mod:">` with this method: a GET reads its payload from the
   * query string, a POST from its JSON body. Only role events (`moderator`, `admin`).
   */
  readonly http?: Level extends RoleAccess ? 'GET' | 'POST' : never;
  /**
   * The tutorial's `chat message`: its client takes any acknowledgement as success, so a
   * failure that a retry could fix (UNAVAILABLE, INTERNAL) is left unanswered and the client retries.
   */
  readonly silentWhenRetriable?: boolean;
  /**
   * Open to a bot connected over Socket.IO, in the rooms it was given (a payload naming any
   * other room is refused before the handler). Events without it refuse bots (FORBIDDEN).
   */
  readonly bots?: true;
  /** The bot's HTTP API: open at `/api/bot/<name after "bot:">` with this method. Only bot events. */
  readonly botHttp?: Level extends BotAccess ? 'GET' | 'POST' : never;
}

/** Declares an event (the identity function, for type inference). */
export const defineEvent = <Schema extends z.ZodType, Output, const Level extends Access<z.output<Schema>>>(
  spec: EventSpec<Schema, Output, Level>,
): EventSpec<Schema, Output, Level> => spec;
