import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { BytesElsewhereFileStore } from './bytes-elsewhere-file-store.js';
import type { FileStore } from './file-store.js';
import { LocalFileStore } from './local-file-store.js';
import { S3FileStore } from './s3-file-store.js';

/**
 * The one place the file store is picked from configuration: a local folder
 * (PARLEY_FILES_DIR), or a bucket of an S3-compatible object store (PARLEY_FILES_STORE=s3)
 * for the bytes, the folder keeping the metadata until it moves into the database.
 */
export function createFileStore(config: Pick<Config, 'files' | 'fileStorage'>, log: Logger): FileStore {
  const local = new LocalFileStore(config.files.dir);
  if (config.fileStorage.kind === 'local') return local;
  return new BytesElsewhereFileStore(local, new S3FileStore(config.fileStorage, log));
}
