import { z } from 'zod';
import type { Call } from './call.js';
import { roomIdSchema } from './fields.js';

/** `GET /export/me` and `GET /export/all` name nothing more. */
export const exportEverythingSchema = z.object({}).strict();

/** `GET /export/rooms/<id>`: the room. */
export const exportRoomSchema = z.object({ roomId: roomIdSchema }).strict();

/** Where an export's body goes, a chunk at a time (the server's StreamOut waits for a slow reader). */
export interface ExportSink {
  write(text: string): Promise<void>;
}

/**
 * What an export call answers before the doorway sends a byte: the download's name and type,
 * and the writer of its body, which the doorway runs once the headers are out (so a HEAD, or
 * a refusal, reads nothing).
 */
export interface ExportDownload {
  readonly filename: string;
  readonly type: string;
  readonly write: (out: ExportSink) => Promise<void>;
}

/** The export calls, over HTTP only (src/events/export-doorway.ts): see README, "Export and retention". */
export interface ExportCalls {
  /** Any account: its own data as one JSON document. */
  'export:me': Call<typeof exportEverythingSchema, ExportDownload>;
  /** Admins: one room's events and files as NDJSON, audited. */
  'export:room': Call<typeof exportRoomSchema, ExportDownload>;
  /** Admins: the whole deployment as NDJSON, audited. */
  'export:all': Call<typeof exportEverythingSchema, ExportDownload>;
}
