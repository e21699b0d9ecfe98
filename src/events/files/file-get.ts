import { ErrorCode, fail, ok } from '../../shared/errors.js';
import { fileGetSchema } from '../../shared/protocol/files.js';
import { defineEvent } from '../kit.js';
import { fileInfo } from '../../files/file-info.js';

/**
 * `file:get` (file doorway only: `GET /files/<id>` and `GET /files/<id>/thumbnail`): the
 * file's bytes for a member of its room, checked on every request (access `file-reader`),
 * so a leaked URL opens nothing.
 */
export const fileGet = defineEvent({
  schema: fileGetSchema,
  price: ['file-reads.address'],
  access: 'file-reader',
  handle: async ({ input: { roomId, id }, services: { files, store } }) => {
    const record = await store.files.file(id);
    const bytes = record && (await files.read(id));
    // The doorway named the room from this metadata; a file deleted since is simply gone.
    if (!record || !bytes || record.roomId !== roomId) return fail(ErrorCode.UNKNOWN_MESSAGE, 'no such file');
    return ok({ info: fileInfo(record, record.roomId), bytes });
  },
});
