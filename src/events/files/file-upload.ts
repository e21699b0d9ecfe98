import { cleanFileName } from '../../files/names.js';
import { newFileId } from '../../files/ids.js';
import { sniffType } from '../../files/sniff.js';
import { ErrorCode, fail, ok } from '../../shared/errors.js';
import { fileUploadSchema } from '../../shared/protocol/files.js';
import { defineEvent } from '../kit.js';
import { fileInfo } from '../../files/file-info.js';

/**
 * `file:upload` (file doorway only: `POST /files?roomId=&name=`, the bytes as the body): a
 * member of the room, not muted there, stores a file of at most PARLEY_FILES_MAX_BYTES
 * within their PARLEY_FILES_QUOTA_BYTES. Its type is read from the bytes. The bytes go to
 * the FileStore first, then the metadata to the Store: a crash between leaves bytes nobody
 * names (never a name without bytes). Two uploads racing may each pass the quota check and
 * together pass it by one file: the quota bounds a person's storage, it is not a ledger.
 * The file is attached by a `message:send` naming it; never attached, it is removed after
 * PARLEY_FILES_UNATTACHED_MS (src/files/sweeper.ts).
 */
export const fileUpload = defineEvent({
  schema: fileUploadSchema,
  price: ['uploads.user', 'uploads.address'],
  access: 'file-writer',
  handle: async ({ input: { roomId, name, bytes }, user, services: { files, store, config } }) => {
    if (bytes.byteLength > config.files.maxBytes) return fail(ErrorCode.FILE_TOO_LARGE, `a file may be at most ${config.files.maxBytes} bytes`);
    if (bytes.byteLength === 0) return fail(ErrorCode.INVALID_PAYLOAD, 'the file is empty');
    const used = await store.files.usage(user.id);
    if (used + bytes.byteLength > config.files.quotaBytes) {
      return fail(ErrorCode.QUOTA_EXCEEDED, `your files would take more than ${config.files.quotaBytes} bytes (${used} used); delete older ones first`);
    }
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const file = { id: newFileId(), roomId, ownerId: user.id, name: cleanFileName(name), type: sniffType(buffer), size: buffer.length, createdAt: Date.now() };
    await files.put(file.id, buffer);
    await store.files.addFile(file);
    return ok(fileInfo(file, roomId));
  },
});
