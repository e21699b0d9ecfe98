import { INLINE_IMAGE_TYPES } from './sniff.js';
import type { AttachedFile } from '../shared/message.js';
import type { FileInfo } from '../shared/protocol/files.js';

/** Where a file is fetched: `GET /files/<id>` (src/events/file-doorway.ts). */
export const fileUrl = (id: string): string => `/files/${id}`;

/**
 * A file as a page shows it, from what a message or the store keeps of it: its address, and
 * for an image shown inline its thumbnail's (`GET /files/<id>/thumbnail`).
 */
export const fileInfo = (file: AttachedFile, roomId: number): FileInfo => ({
  id: file.id,
  roomId,
  name: file.name,
  type: file.type,
  size: file.size,
  url: fileUrl(file.id),
  ...(INLINE_IMAGE_TYPES.has(file.type) ? { thumbnailUrl: `${fileUrl(file.id)}/thumbnail` } : {}),
});
