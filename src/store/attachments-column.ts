import type { AttachedFile } from '../shared/message.js';

/**
 * A message row's `attachments` column (JSON written by the attach trigger of either
 * backend) as StoredMessage carries it: absent when the message has none, so that a read and
 * the fresh append of one message compare equal.
 */
export function attachmentsOf(column: string | null | undefined): { attachments?: readonly AttachedFile[] } {
  if (column === null || column === undefined || column === '') return {};
  const parsed: unknown = JSON.parse(column);
  if (!Array.isArray(parsed) || parsed.length === 0) return {};
  return { attachments: parsed.map((file: AttachedFile) => ({ id: String(file.id), name: String(file.name), type: String(file.type), size: Number(file.size) })) };
}
