/**
 * The slash-commands part of the storage seam: the commands an admin registered (a trigger
 * word answered by a URL) and each public room's topic (`/topic`). A registered command's
 * signing secret is kept in clear, as an outgoing webhook's is: an HMAC needs the key itself.
 * Every change of a registered command is stored with its audit entry in one transaction.
 */
import type { AuditDraft } from './moderation.js';

/** A registered command: `/name args` POSTs to `url`, signed with `secret`. */
export interface RegisteredCommandRecord {
  readonly id: number;
  /** The trigger word, lower case, without the slash: unique. */
  readonly name: string;
  readonly url: string;
  readonly description: string;
  readonly usage: string;
  readonly secret: string;
  readonly createdAt: number;
  readonly createdBy: string;
}

export type RegisteredCommandDraft = Omit<RegisteredCommandRecord, 'id'>;

/** Thrown by createCommand when the trigger word is another registered command's. */
export class CommandExistsError extends Error {
  override readonly name = 'CommandExistsError';
}

export interface CommandStore {
  /** Stores a command and records `audit` (`target` filled with `c:<id>`). Rejects with CommandExistsError. */
  createCommand(draft: RegisteredCommandDraft, audit: AuditDraft): Promise<RegisteredCommandRecord>;
  /** Every registered command, by trigger word. */
  commands(): Promise<RegisteredCommandRecord[]>;
  /** The command with this trigger word. */
  commandByName(name: string): Promise<RegisteredCommandRecord | undefined>;
  /** Deletes a command, recording `audit`; true when it existed. */
  deleteCommand(id: number, audit: AuditDraft): Promise<boolean>;
  /** Sets room `roomId`'s topic ('' clears it). */
  setTopic(roomId: number, topic: string, by: string, at: number): Promise<void>;
  /** The topics of those of `roomIds` that have one. */
  topics(roomIds: readonly number[]): Promise<{ roomId: number; topic: string }[]>;
}

/** A registered command's id as the audit log names it. */
export const commandAuditId = (id: number): string => `c:${id}`;

/** A row of `slash_commands`, as both backends read it. */
export interface CommandRow {
  readonly id: number;
  readonly name: string;
  readonly url: string;
  readonly description: string;
  readonly usage: string;
  readonly secret: string;
  readonly created_at: number | string;
  readonly created_by: string;
}

export const toCommand = (row: CommandRow): RegisteredCommandRecord => ({
  id: row.id,
  name: row.name,
  url: row.url,
  description: row.description,
  usage: row.usage,
  secret: row.secret,
  createdAt: Number(row.created_at),
  createdBy: row.created_by,
});
