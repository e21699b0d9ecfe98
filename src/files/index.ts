import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { FileStore } from './file-store.js';
import { LocalFileStore } from './local-file-store.js';
import { S3FileStore } from './s3-file-store.js';

/**
 * The one place the file store is picked from configuration: a local folder
 * (PARLEY_FILES_DIR, the default), or a bucket of an S3-compatible object store
 * (PARLEY_FILES_STORE=s3) that every node of a deployment shares. Either holds bytes only:
 * the metadata is the Store's (store.files).
 */
export function createFileStore(config: Pick<Config, 'files' | 'fileStorage'>, log: Logger): FileStore {
  if (config.fileStorage.kind === 'local') return new LocalFileStore(config.files.dir);
  return new S3FileStore(config.fileStorage, log);
}
