import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FileStore } from './file-store.js';

/** An id as files/ids.ts makes them: nothing else may reach the file system. */
const ID = /^[A-Za-z0-9_-]{32}$/;

/**
 * Files in a local folder (PARLEY_FILES_DIR): `blobs/<id>`. Each file is written to a
 * temporary name and renamed, so a crash leaves it whole or absent. For one machine (or a
 * volume every node shares); several nodes without one need the object store.
 */
export class LocalFileStore implements FileStore {
  constructor(private readonly root: string) {}

  async put(id: string, bytes: Buffer): Promise<void> {
    const target = path.join(this.root, 'blobs', checked(id));
    await mkdir(path.dirname(target), { recursive: true });
    const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(temporary, bytes);
    await rename(temporary, target);
  }

  async read(id: string): Promise<Buffer | undefined> {
    if (!ID.test(id)) return undefined;
    return readFile(path.join(this.root, 'blobs', id)).catch(absentAsUndefined);
  }

  async delete(id: string): Promise<void> {
    if (!ID.test(id)) return;
    await rm(path.join(this.root, 'blobs', id), { force: true });
  }
}

function checked(id: string): string {
  if (!ID.test(id)) throw new Error('not a file id');
  return id;
}

function absentAsUndefined(error: unknown): undefined {
  if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return undefined;
  throw error;
}
