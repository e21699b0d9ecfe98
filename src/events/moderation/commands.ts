import { z } from 'zod';
import { epochSchema, offsetSchema, roomIdSchema, storableString, textSchema } from '../schemas.js';

/**
 * The payloads of every moderation action, validated once at either edge: the web client's
 * `mod:*` events (./moderation-events.ts) and the HTTP admin API (src/admin/api.ts).
 */

/** A user's public id: `a:<n>` for accounts, `g:<…>` for guests. */
const userIdSchema = z.string().regex(/^(?:a:\d{1,15}|g:[A-Za-z0-9_-]{1,64})$/, 'userId must be a user id such as a:12 or g:…');
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
export const announceSchema = (maxMessageLength: number) => z.object({ text: textSchema(maxMessageLength - 4) });
export const roleSchema = z.object({ username: storableString(1, 64), role: z.enum(['member', 'moderator', 'admin']) });
export const auditSchema = z.object({
  before: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  limit: z.number().int().min(1).max(200).default(50),
});
export const emptySchema = z.object({}).default({});
