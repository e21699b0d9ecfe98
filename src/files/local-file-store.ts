import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FileMeta, FileStore } from './file-store.js';

/** An id as files/ids.ts makes them: nothing else may reach the file system. */
const ID = /^[A-Za-z0-9_-]{32}$/;

/**
 * Files in a local folder (PARLEY_FILES_DIR): `blobs/<id>`, `meta/<id>.json`, and
 * `owners/<hash of owner>/<id>.<size>` and `rooms/<room id>/<id>` (both empty), so that a
 * user's usage and a room's files are one directory listing each rather than a scan of
 * every file (files stored before the room markers existed are not listed by room). Each file is written to a temporary name and
 * renamed, so a crash leaves it whole or absent. For one machine (or a shared volume);
 * several nodes without one need the object store.
 */
export class LocalFileStore implements FileStore {
  constructor(private readonly root: string) {}

  async put(meta: FileMeta, bytes: Buffer): Promise<void> {
    const id = checked(meta.id);
    await Promise.all(['blobs', 'meta', this.ownerDir(meta.ownerId), this.roomDir(meta.roomId)].map((dir) => mkdir(path.join(this.root, dir), { recursive: true })));
    await this.writeWhole(path.join('blobs', id), bytes);
    await this.writeWhole(path.join('meta', `${id}.json`), Buffer.from(JSON.stringify(meta)));
    await writeFile(path.join(this.root, this.ownerDir(meta.ownerId), `${id}.${meta.size}`), '');
    await writeFile(path.join(this.root, this.roomDir(meta.roomId), id), '');
  }

  async meta(id: string): Promise<FileMeta | undefined> {
    if (!ID.test(id)) return undefined;
    const text = await readFile(path.join(this.root, 'meta', `${id}.json`), 'utf8').catch(absentAsUndefined);
    return text === undefined ? undefined : (JSON.parse(text) as FileMeta);
  }

  async read(id: string): Promise<Buffer | undefined> {
    if (!ID.test(id)) return undefined;
    return readFile(path.join(this.root, 'blobs', id)).catch(absentAsUndefined);
  }

  async delete(id: string): Promise<void> {
    const meta = await this.meta(id);
    if (!meta) return;
    // The metadata last: a crash midway leaves a file that can still be found and deleted again.
    await rm(path.join(this.root, 'blobs', meta.id), { force: true });
    await rm(path.join(this.root, this.ownerDir(meta.ownerId), `${meta.id}.${meta.size}`), { force: true });
    await rm(path.join(this.root, this.roomDir(meta.roomId), meta.id), { force: true });
    await rm(path.join(this.root, 'meta', `${meta.id}.json`), { force: true });
  }

  async usage(ownerId: string): Promise<number> {
    const names = await readdir(path.join(this.root, this.ownerDir(ownerId))).catch(absentAsUndefined);
    return (names ?? []).reduce((sum, name) => sum + Number(name.slice(name.lastIndexOf('.') + 1) || 0), 0);
  }

  async owned(ownerId: string): Promise<string[]> {
    const names = await readdir(path.join(this.root, this.ownerDir(ownerId))).catch(absentAsUndefined);
    return (names ?? []).map((name) => name.slice(0, name.lastIndexOf('.'))).filter((id) => ID.test(id));
  }

  async inRoom(roomId: number): Promise<string[]> {
    const names = await readdir(path.join(this.root, this.roomDir(roomId))).catch(absentAsUndefined);
    return (names ?? []).filter((id) => ID.test(id));
  }

  private roomDir(roomId: number): string {
    // A room id is an integer from the store; anything else must not become a path.
    if (!Number.isSafeInteger(roomId) || roomId < 0) throw new Error('not a room id');
    return path.join('rooms', String(roomId));
  }

  private ownerDir(ownerId: string): string {
    return path.join('owners', createHash('sha256').update(ownerId).digest('base64url').slice(0, 22));
  }

  private async writeWhole(relative: string, bytes: Buffer): Promise<void> {
    const target = path.join(this.root, relative);
    const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(temporary, bytes);
    await rename(temporary, target);
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
