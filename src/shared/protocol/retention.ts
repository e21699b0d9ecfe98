import { z } from 'zod';
import type { Call } from './call.js';
import { roomIdSchema } from './fields.js';

/** mod:retention: a room's own rule, in days (up to about 270 years), or null to follow the deployment's. */
export const retentionRuleSchema = z.object({
  roomId: roomIdSchema,
  days: z.number().int().min(1).max(100_000).nullable(),
});

/** The retention calls: their payloads and answers. */
export interface RetentionCalls {
  /** Admins: delete a room's messages older than `days` (null: the deployment's rule, PARLEY_RETENTION_DAYS). */
  'mod:retention': Call<typeof retentionRuleSchema, { roomId: number; days: number | null }>;
}
