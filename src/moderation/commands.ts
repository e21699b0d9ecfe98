import type { z } from 'zod';
import type {
  announceSchema,
  auditSchema,
  banSchema,
  deleteSchema,
  kickSchema,
  moveSchema,
  muteSchema,
  roleSchema,
  unbanSchema,
  unmuteSchema,
} from '../shared/protocol/moderation.js';

/**
 * What each moderation action is given: its call's payload as the contract's schema parsed it
 * (src/shared/protocol/moderation.ts), whichever doorway it came through.
 */
export type KickCommand = z.output<typeof kickSchema>;
export type BanCommand = z.output<typeof banSchema>;
export type MuteCommand = z.output<typeof muteSchema>;
export type UnbanCommand = z.output<typeof unbanSchema>;
export type UnmuteCommand = z.output<typeof unmuteSchema>;
export type MoveCommand = z.output<typeof moveSchema>;
export type DeleteCommand = z.output<typeof deleteSchema>;
export type AnnounceCommand = z.output<ReturnType<typeof announceSchema>>;
export type RoleCommand = z.output<typeof roleSchema>;
export type AuditQuery = z.output<typeof auditSchema>;
