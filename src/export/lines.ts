import type { FileRecord } from '../store/files.js';
import type { ExportedAccount, ExportedMembership, ExportedRoom } from '../store/exports.js';
import type { StoredMessage } from '../shared/message.js';

/**
 * The shapes an export writes, one place for all of them, so that nothing secret can slip
 * in by spreading a row: each line is built field by field from the store's export reads,
 * which select no password hash, token or secret in the first place.
 */

/** A room event as exports show it. A deleted message (or a replaced edit) is a tombstone: empty text and `redacted`. */
export interface EventLine {
  readonly type: 'event';
  readonly roomId: number;
  readonly offset: number;
  readonly kind: string;
  readonly author: string;
  readonly authorId: string | null;
  readonly text: string;
  readonly createdAt: number;
  /** What an edit, deletion or reaction is about; a thread reply's root; else null. */
  readonly target: number | null;
  readonly redacted: { readonly by: string; readonly byId: string | null; readonly at: number } | null;
}

export const eventLine = (message: StoredMessage): EventLine => ({
  type: 'event',
  roomId: message.roomId,
  offset: message.offset,
  kind: message.kind,
  author: message.author,
  authorId: message.authorId,
  // A tombstone's text is already erased by the store; kept empty here whatever a backend returns.
  text: message.redacted ? '' : message.text,
  createdAt: message.createdAt,
  target: message.target,
  redacted: message.redacted ? { by: message.redacted.by, byId: message.redacted.byId, at: message.redacted.at } : null,
});

export const accountLine = (account: ExportedAccount) =>
  ({ type: 'account', id: account.id, username: account.username, role: account.role, createdAt: Number(account.createdAt) }) as const;

export const roomLine = (room: ExportedRoom) =>
  ({ type: 'room', id: room.id, name: room.name, kind: room.kind, createdAt: Number(room.createdAt), head: Number(room.head) }) as const;

export const membershipLine = (member: ExportedMembership) =>
  ({
    type: 'membership',
    roomId: member.roomId,
    roomName: member.roomName,
    roomKind: member.roomKind,
    userId: member.userId,
    userName: member.userName,
    joinedAt: Number(member.joinedAt),
  }) as const;

/** A file shared in a room: its metadata and the URL that downloads it (for readers of the room). */
export const fileLine = (meta: FileRecord) =>
  ({ type: 'file', id: meta.id, roomId: meta.roomId, ownerId: meta.ownerId, name: meta.name, fileType: meta.type, size: meta.size, createdAt: meta.createdAt, url: `/files/${meta.id}` }) as const;
