import type { Role } from '../store/moderation.js';

/** What each moderation action is given, as its event's schema parsed it (src/events/moderation/commands.ts). */
export interface KickCommand {
  readonly userId: string;
  readonly reason: string;
}
export interface BanCommand extends KickCommand {
  /** Ends by itself after this many minutes; absent: until lifted. */
  readonly minutes?: number | undefined;
}
export interface MuteCommand extends BanCommand {
  readonly roomId: number;
}
export interface UnbanCommand {
  readonly userId: string;
}
export interface UnmuteCommand extends UnbanCommand {
  readonly roomId: number;
}
export interface MoveCommand {
  readonly userId: string;
  readonly roomId: number;
  readonly to: 'in' | 'out';
}
export interface DeleteCommand {
  readonly roomId: number;
  readonly target: number;
  readonly reason: string;
}
export interface AnnounceCommand {
  readonly text: string;
}
export interface RoleCommand {
  readonly username: string;
  readonly role: Role;
}
export interface AuditQuery {
  readonly before?: number | undefined;
  readonly limit: number;
}
