/**
 * The moderation tables' rows as both backends read them (PostgreSQL's bigints arrive as
 * strings, hence the Number()s), and the one convention they share.
 */
import type { AuditEntry, Restriction } from './moderation.js';

export interface RestrictionRow {
  kind: Restriction['kind'];
  user_id: string;
  room_id: number;
  reason: string;
  imposed_by: string;
  created_at: number;
  expires_at: number | null;
}

export interface AuditRow {
  id: number;
  at: number;
  actor: string;
  actor_name: string;
  action: string;
  target: string | null;
  room_id: number | null;
  detail: string;
}

/** Bans are stored with room 0 (no room has it), so one primary key covers bans and mutes. */
export const BAN_ROOM = 0;

export const toRestriction = (row: RestrictionRow): Restriction => ({
  kind: row.kind,
  userId: row.user_id,
  roomId: row.kind === 'ban' ? null : Number(row.room_id),
  reason: row.reason,
  by: row.imposed_by,
  createdAt: Number(row.created_at),
  expiresAt: row.expires_at === null ? null : Number(row.expires_at),
});

export const toAuditEntry = (row: AuditRow): AuditEntry => ({
  id: Number(row.id),
  at: Number(row.at),
  actor: row.actor,
  actorName: row.actor_name,
  action: row.action,
  target: row.target,
  roomId: row.room_id === null ? null : Number(row.room_id),
  detail: row.detail,
});
