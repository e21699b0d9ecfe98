import { z } from 'zod';

/** Whose budget a limit counts: one connection's, one user's, one client address's, or one account name's. */
export type LimitScope = 'connection' | 'user' | 'address' | 'name';

/** One limit: `points` per `seconds` for each key of its scope. */
export interface LimitRule {
  readonly scope: LimitScope;
  readonly points: number;
  readonly seconds: number;
}

/**
 * Every limit Parley applies, by name, with its default. Connection limits are token buckets
 * in the worker (no round trip); the others are shared by every worker of a node (and by every
 * node once Redis is configured), so opening more connections buys an attacker nothing.
 * `PARLEY_LIMITS` overrides any of them (README, "Security").
 */
export const DEFAULT_LIMITS = {
  /** Messages, edits and deletions of one connection (the tutorial's `chat message` too). */
  'messages.connection': { scope: 'connection', points: 200, seconds: 2 },
  /** Messages, edits and deletions of one user, over all of their connections. */
  'messages.user': { scope: 'user', points: 400, seconds: 2 },
  /** Typing notices one connection may fan out to a room. */
  'typing.connection': { scope: 'connection', points: 6, seconds: 3 },
  /** Online-list requests: each asks every server of the deployment. */
  'presence.connection': { scope: 'connection', points: 10, seconds: 5 },
  'presence.user': { scope: 'user', points: 20, seconds: 5 },
  /** Reads of one's own rooms, the directory, history and read markers (each reads the store). */
  'reads.connection': { scope: 'connection', points: 100, seconds: 2 },
  'reads.user': { scope: 'user', points: 200, seconds: 2 },
  'reads.address': { scope: 'address', points: 1000, seconds: 2 },
  /**
   * Searches of one user, then of one address (so fresh guests buy no more): each reads the
   * full-text index up to its page's end (on PostgreSQL, up to 20,000 messages back), the
   * dearest read there is.
   */
  'search.user': { scope: 'user', points: 30, seconds: 10 },
  'search.address': { scope: 'address', points: 60, seconds: 10 },
  /**
   * Room lists of one user, then of one address: each counts the unread messages of every
   * room listed (up to 1,001 rooms, each a range of at most 2,000 offsets), so a list costs
   * up to a thousand single-room reads.
   */
  'room-list.user': { scope: 'user', points: 30, seconds: 10 },
  'room-list.address': { scope: 'address', points: 150, seconds: 10 },
  /** `@name` completions of one user (each reads a range of the room's members by name). */
  'members.user': { scope: 'user', points: 60, seconds: 10 },
  /** Joining, leaving and opening rooms (each writes the store and may fan out). */
  'rooms.user': { scope: 'user', points: 60, seconds: 10 },
  'rooms.address': { scope: 'address', points: 300, seconds: 10 },
  /** Creating public rooms: a cap on how fast one user or address can fill the directory. */
  'room-create.user': { scope: 'user', points: 10, seconds: 600 },
  'room-create.address': { scope: 'address', points: 30, seconds: 600 },
  /** Direct rooms opened by one user: each probes whether a user exists. */
  'dm-open.user': { scope: 'user', points: 30, seconds: 60 },
  /** Guest renames: each writes the store and answers whether a name is taken. */
  'nickname.user': { scope: 'user', points: 30, seconds: 60 },
  'nickname.address': { scope: 'address', points: 60, seconds: 60 },
  /** Password checks from one address (login and register each cost an scrypt hash). */
  'password.connection': { scope: 'connection', points: 5, seconds: 5 },
  'password.address': { scope: 'address', points: 30, seconds: 60 },
  /**
   * Password changes of one account over all its connections: each checks the current
   * password, so a borrowed tab could otherwise guess it at the address's login pace.
   */
  'password-change.user': { scope: 'user', points: 5, seconds: 900 },
  /** Reset-link redemptions from one address: each tries a token and costs a hash. */
  'password-reset.address': { scope: 'address', points: 10, seconds: 900 },
  /** Login attempts at one account name from one address, then from anywhere: the back-off (a success forgives its address). */
  'login-attempts.name-address': { scope: 'name', points: 5, seconds: 900 },
  'login-attempts.name': { scope: 'name', points: 50, seconds: 3600 },
  /**
   * Single sign-on starts and callbacks from one address (each writes or takes a flow, and a
   * callback asks the provider): a sign-in costs two.
   */
  'sso.address': { scope: 'address', points: 60, seconds: 60 },
  /** Accounts one address may create. */
  'register.address': { scope: 'address', points: 20, seconds: 3600 },
  /** Moderation actions of one user (each writes the store and reaches every server); refused at once for members. */
  'moderation.user': { scope: 'user', points: 120, seconds: 60 },
  /** Slash commands of one user (`command:run`); the call a command stands for pays its own price too. A registered one POSTs to a receiver. */
  'commands.user': { scope: 'user', points: 30, seconds: 10 },
  /** Invitations one user sends (`room:invite`): each reaches another person's tabs. */
  'invites.user': { scope: 'user', points: 20, seconds: 60 },
  /** Sign-outs (each ends a session and renames every tab). */
  'logout.user': { scope: 'user', points: 10, seconds: 60 },
  /** Changes to one's own settings (read receipts): each writes the store and reaches every tab. */
  'settings.user': { scope: 'user', points: 20, seconds: 60 },
  /**
   * New Socket.IO sessions (handshakes) from one address: closing a connection must not buy
   * an attacker a fresh one at once, with fresh connection budgets (and a fresh guest).
   */
  'connections.address': { scope: 'address', points: 300, seconds: 10 },
  /**
   * Refused events of one connection (unknown events, bad payloads, refused access): past
   * this the connection is closed, so a flood costs its sender, not the logs.
   */
  'refusals.connection': { scope: 'connection', points: 100, seconds: 10 },
  /**
   * The same over every connection of an address: past it the address's connection that was
   * refused is closed and the address may open no new session until the window ends.
   */
  'refusals.address': { scope: 'address', points: 1000, seconds: 10 },
  /**
   * A bot's messages, edits, deletions and reactions, over Socket.IO and its HTTP API
   * together: a bot is a program, so its budget is a person's typing speed, not a flood's.
   */
  'bot-messages.user': { scope: 'user', points: 30, seconds: 10 },
  /** A bot's reads (history, its rooms), over both doorways. */
  'bot-reads.user': { scope: 'user', points: 120, seconds: 10 },
  /** Deliveries of one incoming webhook (its key is the webhook's `w:<id>`), whoever sends them. */
  'webhook.hook': { scope: 'user', points: 30, seconds: 10 },
  /** Webhook deliveries from one address, to any webhook. */
  'webhook.address': { scope: 'address', points: 60, seconds: 10 },
  /**
   * Refused bot tokens and webhook secrets from one address: past it, the address is
   * answered 429 until the window ends, so guessing costs the guesser.
   */
  'integration-auth.address': { scope: 'address', points: 20, seconds: 60 },
  /**
   * File uploads of one user, then of one address: each may make a worker hold and write
   * up to PARLEY_FILES_MAX_BYTES, so the budget is a person's, not a script's.
   */
  'uploads.user': { scope: 'user', points: 30, seconds: 60 },
  'uploads.address': { scope: 'address', points: 60, seconds: 60 },
  /** File fetches of one address (each reads the file from its store); an image-heavy room's page loads many. */
  'file-reads.address': { scope: 'address', points: 600, seconds: 60 },
  /**
   * Data exports (GET /export/...) of one address, then of one account: each streams up to
   * the whole history from the store, so a few a minute is plenty for a person.
   */
  'exports.address': { scope: 'address', points: 20, seconds: 60 },
  'exports.user': { scope: 'user', points: 6, seconds: 60 },
  /** Events refused for a spent limit on one connection: cheap each, but past this the connection is closed. */
  'rate-limited.connection': { scope: 'connection', points: 1000, seconds: 10 },
} as const satisfies Record<string, LimitRule>;

export type LimitName = keyof typeof DEFAULT_LIMITS;
export type Limits = Readonly<Record<LimitName, LimitRule>>;

const overrideSchema = z.record(
  z.string(),
  z.object({ points: z.number().int().min(1).max(1e9), seconds: z.number().min(0.001).max(86_400 * 7) }),
);

/**
 * The limits in force: the defaults, with `overrides` (JSON `{ "<name>": { "points", "seconds" } }`)
 * applied. Throws naming an unknown limit or a bad value.
 */
export function parseLimits(overrides: string | undefined): Limits {
  const limits: Record<string, LimitRule> = { ...DEFAULT_LIMITS };
  if (overrides === undefined) return Object.freeze(limits) as Limits;
  let json: unknown;
  try {
    json = JSON.parse(overrides);
  } catch {
    throw new Error('PARLEY_LIMITS must be JSON: { "<limit>": { "points": n, "seconds": n } }');
  }
  const parsed = overrideSchema.safeParse(json);
  if (!parsed.success) throw new Error(`PARLEY_LIMITS: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  for (const [name, value] of Object.entries(parsed.data)) {
    const rule = limits[name];
    if (!rule) throw new Error(`PARLEY_LIMITS: no limit named ${name}`);
    limits[name] = { scope: rule.scope, ...value };
  }
  return Object.freeze(limits) as Limits;
}
