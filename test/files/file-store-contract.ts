import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FileStore } from '../../src/files/file-store.js';
import { newFileId } from '../../src/files/ids.js';

/**
 * What every FileStore (bytes only, keyed by id) must do, run over each backend: `gone(id)`
 * says whether nothing of the file is left where the backend keeps it (on disk, in the bucket).
 */
export function fileStoreContract(name: string, open: () => Promise<FileStore>, gone: (id: string) => Promise<boolean>): void {
  test(`${name}: a file is read back; an unknown id is absent`, async () => {
    const files = await open();
    const id = newFileId();
    await files.put(id, Buffer.from('hello'));
    assert.deepEqual(await files.read(id), Buffer.from('hello'));
    assert.equal(await files.read(newFileId()), undefined);
  });

  test(`${name}: ids that are not the store's own never reach it (no path in an id)`, async () => {
    const files = await open();
    for (const id of ['../blobs', '..%2F..', 'a/b', '', 'x'.repeat(33)]) {
      assert.equal(await files.read(id), undefined, id);
      await files.delete(id);
      await assert.rejects(files.put(id, Buffer.from('x')), id);
    }
  });

  test(`${name}: a deleted file leaves nothing; deleting it again is no error`, async () => {
    const files = await open();
    const id = newFileId();
    const other = newFileId();
    await files.put(id, Buffer.from('abc'));
    await files.put(other, Buffer.from('defg'));
    await files.delete(id);
    assert.equal(await files.read(id), undefined);
    assert.equal(await gone(id), true, 'nothing of the file is left in the backend');
    assert.deepEqual(await files.read(other), Buffer.from('defg'), 'the other file stays');
    await files.delete(id);
  });
}
