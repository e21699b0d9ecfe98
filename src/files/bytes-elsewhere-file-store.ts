import type { FileMeta, FileStore } from './file-store.js';
import type { FileBytes } from './file-bytes.js';
import type { LocalFileStore } from './local-file-store.js';

const NO_BYTES = Buffer.alloc(0);

/**
 * A bridge until file metadata lives in the database: the metadata (and the quota's
 * count) in the local folder, as LocalFileStore keeps it, the bytes in `bytes` (the bucket).
 * The folder holds an empty blob per file, never its content. Metadata is therefore still
 * per node here: a file uploaded on one node is in the bucket, but only that node knows it.
 * When the metadata moves into the Store, FileStore is bytes only and this file goes.
 */
export class BytesElsewhereFileStore implements FileStore {
  constructor(
    private readonly metadata: LocalFileStore,
    private readonly bytes: FileBytes,
  ) {}

  async put(meta: FileMeta, bytes: Buffer): Promise<void> {
    // The bytes first: metadata never names a file whose bytes the bucket lacks.
    await this.bytes.put(meta.id, bytes);
    await this.metadata.put(meta, NO_BYTES);
  }

  meta(id: string): Promise<FileMeta | undefined> {
    return this.metadata.meta(id);
  }

  async read(id: string): Promise<Buffer | undefined> {
    return (await this.metadata.meta(id)) ? this.bytes.read(id) : undefined;
  }

  async delete(id: string): Promise<void> {
    await this.bytes.delete(id);
    await this.metadata.delete(id);
  }

  usage(ownerId: string): Promise<number> {
    return this.metadata.usage(ownerId);
  }
}
