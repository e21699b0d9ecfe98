/**
 * Where files' bytes live, keyed by file id, and nothing else: the shape `FileStore` takes
 * once file metadata lives in the database (the room, owner, name, type and size are the
 * Store's; quotas are counted there). The S3 store is written against it; when the two
 * branches meet, this is `FileStore` itself and this file goes.
 */
export interface FileBytes {
  /** Stores `bytes` under `id`, replacing what was there; whole or absent, never partial. */
  put(id: string, bytes: Buffer): Promise<void>;
  /** The bytes stored under `id`, or undefined when there are none (an unknown or malformed id). */
  read(id: string): Promise<Buffer | undefined>;
  /** Removes the bytes of `id`; no such file is no error. */
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
