import { z } from 'zod';
import type { Call } from './call.js';
import { roomIdSchema } from './fields.js';

/** A file id as the server makes them (32 base64url characters). */
export const fileIdSchema = z.string().regex(/^[A-Za-z0-9_-]{32}$/);

/**
 * An upload as the file doorway hands it to the pipeline: `POST /files?roomId=<id>&name=<name>`
 * with the bytes as the body (any Content-Type; the server reads the type from the bytes).
 */
export const fileUploadSchema = z.object({
  roomId: roomIdSchema,
  name: z.string().max(1000),
  bytes: z.instanceof(Uint8Array),
});

/** A fetch, `GET /files/<id>` (or its thumbnail): the doorway names the file's room, read from its metadata. */
export const fileGetSchema = z.object({ roomId: roomIdSchema, id: fileIdSchema });

/** An uploaded file as a page shows it. */
export interface FileInfo {
  readonly id: string;
  readonly roomId: number;
  /** The name given, cleaned of any path. */
  readonly name: string;
  /** Read from the bytes: image/png, image/jpeg, image/gif, image/webp, application/pdf, text/plain, … */
  readonly type: string;
  readonly size: number;
  /** Where members of the room fetch it: `/files/<id>`. */
  readonly url: string;
  /**
   * Images shown inline (PNG, JPEG, GIF, WebP) only: a small image made by the server,
   * `/files/<id>/thumbnail` (the original until a thumbnail maker makes one).
   */
  readonly thumbnailUrl?: string;
}

/** The most files one message carries. */
export const MAX_ATTACHMENTS = 10;

/** What a fetch answers before the doorway writes the bytes. */
export interface FileContent {
  readonly info: FileInfo;
  readonly bytes: Uint8Array;
}

/** The file calls, over HTTP only (src/events/file-doorway.ts): see README, "Files". */
export interface FileCalls {
  'file:upload': Call<typeof fileUploadSchema, FileInfo>;
  'file:get': Call<typeof fileGetSchema, FileContent>;
}
