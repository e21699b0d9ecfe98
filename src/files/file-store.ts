/**
 * Where uploaded files' bytes live: a local folder (one machine, or a volume every node
 * shares) or an S3-compatible object store. Picked in one place, createFileStore
 * (files/index.ts). Bytes only, keyed by the file's id: what a file is, whose, of which room
 * and attached to what is the Store's (store.files, src/store/files.ts), so that every node
 * agrees on it; access is the pipeline's (`file-reader`, `file-writer`), never this interface's.
 */
export interface FileStore {
  /** Stores `bytes` under `id`; the file is whole or absent. */
  put(id: string, bytes: Buffer): Promise<void>;
  /** The file's bytes, or undefined when there is no such file. */
  read(id: string): Promise<Buffer | undefined>;
  /** Removes the file; no such file is no error. */
  delete(id: string): Promise<void>;
}

/**
 * The file storage (the bucket) could not be reached or refused the request after the
 * client's own retries. The one failure mapping (events/failures.ts) answers it UNAVAILABLE
 * (503 over HTTP), saying that file storage is down: the same request may succeed later.
 */
export class FileStorageUnavailableError extends Error {
  override readonly name = 'FileStorageUnavailableError';
}
