import type { Config } from '../config.js';
import type { FileStore } from './file-store.js';
import { LocalFileStore } from './local-file-store.js';

/** The one place the file store is picked from configuration: a local folder (PARLEY_FILES_DIR). */
export function createFileStore(config: Pick<Config, 'files'>): FileStore {
  return new LocalFileStore(config.files.dir);
}
