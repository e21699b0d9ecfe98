import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalFileStore } from '../../src/files/local-file-store.js';
import { fileStoreContract } from './file-store-contract.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'parley-files-'));

/** Whether any file under `dir` (recursively) has `id` in its name. */
function mentions(dir: string, id: string): boolean {
  if (!existsSync(dir)) return false;
  return readdirSync(dir, { withFileTypes: true }).some((entry) =>
    entry.isDirectory() ? mentions(path.join(dir, entry.name), id) : entry.name.includes(id),
  );
}

fileStoreContract('local folder', () => Promise.resolve(new LocalFileStore(root)), (id) => Promise.resolve(!mentions(root, id)));
