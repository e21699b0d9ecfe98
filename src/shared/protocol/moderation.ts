import { z } from 'zod';
import type { Call } from './call.js';
import { epochSchema, offsetSchema, roomIdSchema, storableString, textSchema } from './fields.js';
import type { SentMessage } from './messages.js';

/**
 * The payloads of every moderation action, validated once at either edge: the web client's
 * `mod:*` events (src/events/moderation/) and the HTTP admin API (src/admin/api.ts).
 */

/** A user's role: what they may do beyond chatting. */
export type RoleName = 'member' | 'moderator' | 'admin';

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
  /** In `mod:restrictions`: who is restricted, who did it and where, by name (src/moderation/names.ts). */
  readonly userName?: string;
  readonly byName?: string;
  readonly roomName?: string | null;
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
  /** Whom the action was on and where, by name (src/moderation/names.ts). */
  readonly targetName: string | null;
  readonly roomName: string | null;
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

/** A user's public id: `a:<n>` for accounts, `b:<n>` for bots, `g:<…>` for guests. */
const userIdSchema = z.string().regex(/^(?:a:\d{1,15}|b:\d{1,15}|g:[A-Za-z0-9_-]{1,64})$/, 'userId must be a user id such as a:12, b:3 or g:…');
const reasonSchema = storableString(0, 500).default('');
/** Up to ten years; absent: until lifted. */
const minutesSchema = z.number().int().min(1).max(10 * 366 * 24 * 60).optional();

export const kickSchema = z.object({ userId: userIdSchema, reason: reasonSchema });
export const banSchema = z.object({ userId: userIdSchema, reason: reasonSchema, minutes: minutesSchema });
export const unbanSchema = z.object({ userId: userIdSchema });
export const muteSchema = z.object({ userId: userIdSchema, roomId: roomIdSchema, reason: reasonSchema, minutes: minutesSchema });
export const unmuteSchema = z.object({ userId: userIdSchema, roomId: roomIdSchema });
export const moveSchema = z.object({ userId: userIdSchema, roomId: roomIdSchema, to: z.enum(['in', 'out']) });
export const deleteSchema = z.object({ roomId: roomIdSchema, target: offsetSchema.min(1), reason: reasonSchema, epoch: epochSchema.optional() });
/** Shorter than a message, which leaves room for the prefix it is posted with (src/moderation/moderation.ts). */
export const announceSchema = (maxMessageLength: number) => z.object({ text: textSchema(maxMessageLength - 4) });
export const roleSchema = z.object({ username: storableString(1, 64), role: z.enum(['member', 'moderator', 'admin']) });
export const auditSchema = z.object({
  /** The previous page's last id. */
  before: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  limit: z.number().int().min(1).max(200).default(50),
});
export const emptySchema = z.object({}).default({});

/** The moderation calls: their payloads and answers. Who may call each is the event table's (src/events/moderation/). */
export interface ModerationCalls {
  /** This user's role: the web client shows its admin panel to moderators and admins. */
  'mod:me': Call<typeof emptySchema, { role: RoleName }>;
  /** Moderators: disconnect every connection of a user. */
  'mod:kick': Call<typeof kickSchema, { connections: number }>;
  /** Admins: ban a user: disconnected everywhere, refused until it ends. */
  'mod:ban': Call<typeof banSchema, RestrictionView>;
  /** Admins: lift a ban. */
  'mod:unban': Call<typeof unbanSchema, null>;
  /** Moderators: mute a user in a public room. */
  'mod:mute': Call<typeof muteSchema, RestrictionView>;
  /** Moderators: lift a mute. */
  'mod:unmute': Call<typeof unmuteSchema, null>;
  /** Moderators: move a user into or out of a public room. */
  'mod:move': Call<typeof moveSchema, null>;
  /** Moderators: delete anyone's message in a public room, as an ordered event. */
  'mod:delete': Call<typeof deleteSchema, SentMessage>;
  /** Admins: post a message to every public room. */
  'mod:announce': Call<ReturnType<typeof announceSchema>, { rooms: number }>;
  /** Admins: give an account a role. */
  'mod:role': Call<typeof roleSchema, { userId: string; role: RoleName }>;
  /** Moderators: the bans and mutes in force. */
  'mod:restrictions': Call<typeof emptySchema, RestrictionView[]>;
  /** Admins: the audit log, newest first. */
  'mod:audit': Call<typeof auditSchema, AuditView[]>;
  /** Admins: the whole deployment at a glance: every server's figures, and those missing. */
  'mod:stats': Call<typeof emptySchema, DeploymentView>;
}

/** What the server pushes about moderation: each event's arguments. */
export interface ModerationPushes {
  /** A moderator acted on this user (kick and ban: just before the connection closes). */
  moderation: [notice: ModerationNotice];
  /** An admin gave this user another role: the page shows or hides its moderation panel at once. */
  'role:changed': [change: { role: RoleName }];
}
