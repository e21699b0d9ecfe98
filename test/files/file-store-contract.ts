import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FileMeta, FileStore } from '../../src/files/file-store.js';
import { newFileId } from '../../src/files/ids.js';

const metaOf = (ownerId: string, size: number, roomId = 1): FileMeta => ({ id: newFileId(), roomId, ownerId, name: 'a.png', type: 'image/png', size, createdAt: Date.now() });

/**
 * What every FileStore must do, run over each backend: `gone(id)` says whether nothing of the
 * file is left where the backend keeps it (on disk, in the bucket).
 */
export function fileStoreContract(name: string, open: () => Promise<FileStore>, gone: (id: string) => Promise<boolean>): void {
  test(`${name}: a file is read back with its metadata; an unknown id is absent`, async () => {
    const files = await open();
    const meta = metaOf('a:1', 5);
    await files.put(meta, Buffer.from('hello'));
    assert.deepEqual(await files.meta(meta.id), meta);
    assert.deepEqual(await files.read(meta.id), Buffer.from('hello'));
    assert.equal(await files.meta(newFileId()), undefined);
    assert.equal(await files.read(newFileId()), undefined);
  });

  test(`${name}: ids that are not the store's own never reach it (no path in an id)`, async () => {
    const files = await open();
    for (const id of ['../meta', '..%2F..', 'a/b', '', 'x'.repeat(33)]) {
      assert.equal(await files.meta(id), undefined, id);
      assert.equal(await files.read(id), undefined, id);
    }
  });

  test(`${name}: usage is the sum of an owner's files; a deleted file leaves nothing and counts no more`, async () => {
    const files = await open();
    const owner = `a:${newFileId()}`;
    const first = metaOf(owner, 3);
    const second = metaOf(owner, 4);
    await files.put(first, Buffer.from('abc'));
    await files.put(second, Buffer.from('defg'));
    await files.put(metaOf(`${owner}-other`, 2), Buffer.from('hi'));
    assert.equal(await files.usage(owner), 7);
    await files.delete(first.id);
    assert.equal(await files.usage(owner), 4);
    assert.equal(await files.meta(first.id), undefined);
    assert.equal(await files.read(first.id), undefined);
    assert.equal(await gone(first.id), true, 'nothing of the file is left in the backend');
    await files.delete(first.id);
    assert.equal(await files.usage(`a:${newFileId()}`), 0, 'an owner without files');
  });

  test(`${name}: an owner's files and a room's files are listed by id; a deleted one is listed no more`, async () => {
    const files = await open();
    const owner = `a:${newFileId()}`;
    const room = Math.floor(Math.random() * 1e9) + 1000;
    const mine = metaOf(owner, 3, room);
    const elsewhere = metaOf(owner, 3, room + 1);
    const theirs = metaOf(`${owner}-other`, 2, room);
    for (const meta of [mine, elsewhere, theirs]) await files.put(meta, Buffer.from('abc'.slice(0, meta.size)));
    assert.deepEqual((await files.owned(owner)).sort(), [mine.id, elsewhere.id].sort());
    assert.deepEqual((await files.inRoom(room)).sort(), [mine.id, theirs.id].sort());
    await files.delete(mine.id);
    assert.deepEqual(await files.owned(owner), [elsewhere.id]);
    assert.deepEqual(await files.inRoom(room), [theirs.id]);
    assert.deepEqual(await files.inRoom(room + 2), [], 'a room without files');
    assert.deepEqual(await files.owned(`a:${newFileId()}`), [], 'an owner without files');
  });
}
