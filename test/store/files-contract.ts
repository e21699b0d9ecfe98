import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { newFileId } from '../../src/files/ids.js';
import type { FileRecord } from '../../src/store/files.js';
import type { MessageDraft, Store } from '../../src/store/store.js';
import { freshStores, type HarnessFactory } from './harness.js';

const ALICE = 'a:1';
const BOB = 'a:2';

function upload(roomId: number, ownerId: string, name: string, size = 10, createdAt = Date.now()): Omit<FileRecord, 'messageOffset'> {
  return { id: newFileId(), roomId, ownerId, name, type: name.endsWith('.png') ? 'image/png' : 'application/pdf', size, createdAt };
}

const message = (roomId: number, key: string, extra: Partial<MessageDraft> = {}): MessageDraft => ({
  roomId,
  author: 'alice',
  authorId: ALICE,
  text: 'with files',
  idempotencyKey: key,
  ...extra,
});

const brief = ({ id, name, type, size }: { id: string; name: string; type: string; size: number }) => ({ id, name, type, size });

/** Claims `ids` for `key` and appends the message that carries them, as message:send does. */
async function sendWith(store: Store, roomId: number, key: string, ids: string[]) {
  const claimed = await store.files.claim({ roomId, ownerId: ALICE, ids, key });
  if ('refused' in claimed) throw new Error(claimed.refused);
  return store.appendMessage(message(roomId, key, { attachments: claimed }));
}

/**
 * The files part of the Store contract (src/store/files.ts): uploads' metadata, quota usage,
 * claims and their refusals, the link the append makes in its own transaction, what every
 * read of the message carries, detaching on deletion, and the uploads never attached.
 */
export function filesContract(name: string, factory: HarnessFactory, skip: string | false): void {
  const withStore = freshStores(factory);

  describe(`Store contract, files: ${name}`, () => {
    test('a file is recorded unattached; usage sums an owner\'s files', { skip }, () =>
      withStore(async ({ store, general }) => {
        const first = upload(general, ALICE, 'a.png', 30);
        await store.files.addFile(first);
        await store.files.addFile(upload(general, ALICE, 'b.pdf', 12));
        await store.files.addFile(upload(general, BOB, 'c.pdf', 5));
        assert.deepEqual(await store.files.file(first.id), { ...first, messageOffset: null });
        assert.equal(await store.files.usage(ALICE), 42);
        assert.equal(await store.files.usage('a:nobody'), 0);
        assert.equal(await store.files.file(newFileId()), undefined);
      }));

    test('claimed files are linked by the append, in the order sent; every read carries them', { skip }, () =>
      withStore(async ({ store, general, open }) => {
        const image = upload(general, ALICE, 'a.png');
        const pdf = upload(general, ALICE, 'b.pdf');
        await store.files.addFile(image);
        await store.files.addFile(pdf);
        const { message: stored } = await sendWith(store, general, 'k1', [pdf.id, image.id]);
        assert.deepEqual(stored.attachments, [brief(pdf), brief(image)]);
        assert.equal((await store.files.file(pdf.id))?.messageOffset, stored.offset);
        // Read on another connection (a worker, another node): the row carries the list.
        const other = await open();
        const [read] = await other.messagesAfter(general, stored.offset - 1, 1);
        assert.deepEqual(read, stored, 'a read and the fresh append compare equal');
        assert.deepEqual((await other.rooms.messagesBefore(general, stored.offset + 1, 1))[0]?.attachments, [brief(pdf), brief(image)]);
        const plain = (await store.appendMessage(message(general, 'k2'))).message;
        assert.equal(plain.attachments, undefined, 'a message without files has no list');
        assert.equal((await other.messagesAfter(general, plain.offset - 1, 1))[0]?.attachments, undefined);
      }));

    test('refused: a file of someone else, of another room, attached already, unknown; a retry of the same key is not refused', { skip }, () =>
      withStore(async ({ store, general, harness }) => {
        const other = await harness.addRoom('other');
        const bobs = upload(general, BOB, 'bob.png');
        const elsewhere = upload(other, ALICE, 'else.png');
        const mine = upload(general, ALICE, 'mine.png');
        for (const file of [bobs, elsewhere, mine]) await store.files.addFile(file);
        const claim = (ids: string[], key: string) => store.files.claim({ roomId: general, ownerId: ALICE, ids, key });
        assert.match(JSON.stringify(await claim([bobs.id], 'x')), /someone else/);
        assert.match(JSON.stringify(await claim([elsewhere.id], 'x')), /another room/);
        assert.match(JSON.stringify(await claim([newFileId()], 'x')), /no such file/);
        // All or none: the refused claim left `mine` free.
        assert.match(JSON.stringify(await claim([mine.id, bobs.id], 'x')), /someone else/);
        await sendWith(store, general, 'first', [mine.id]);
        assert.deepEqual(await claim([mine.id], 'first'), [brief(mine)], 'the retry of the message that holds it');
        assert.match(JSON.stringify(await claim([mine.id], 'second')), /already attached/);
      }));

    test("an owner's files over every room, and a room's attached files in message order, for exports", { skip }, () =>
      withStore(async ({ store, general, harness }) => {
        const other = await harness.addRoom('other');
        const first = upload(general, ALICE, 'first.png', 10, Date.now() - 3000);
        const elsewhere = upload(other, ALICE, 'elsewhere.pdf', 10, Date.now() - 2000);
        const loose = upload(general, ALICE, 'loose.pdf', 10, Date.now() - 1000);
        const bobs = upload(general, BOB, 'bob.png');
        for (const file of [first, elsewhere, loose, bobs]) await store.files.addFile(file);
        assert.deepEqual((await store.files.owned(ALICE, 10)).map((file) => file.id), [first.id, elsewhere.id, loose.id]);
        assert.deepEqual((await store.files.owned(ALICE, 2)).map((file) => file.id), [first.id, elsewhere.id], 'bounded');
        assert.deepEqual(await store.files.inRoom(general, 10), [], 'nothing attached yet');
        await sendWith(store, general, 'k', [loose.id, first.id]);
        const bobClaim = await store.files.claim({ roomId: general, ownerId: BOB, ids: [bobs.id], key: 'b' });
        if ('refused' in bobClaim) throw new Error(bobClaim.refused);
        await store.appendMessage(message(general, 'b', { author: 'bob', authorId: BOB, attachments: bobClaim }));
        assert.deepEqual((await store.files.inRoom(general, 10)).map((file) => file.id), [loose.id, first.id, bobs.id]);
        assert.deepEqual(await store.files.inRoom(other, 10), [], "an unattached upload is not the room's");
        assert.deepEqual(await store.files.owned('a:nobody', 10), []);
      }));

    test('detach forgets the files of a deleted message and drops its list; unattached lists old uploads only', { skip }, () =>
      withStore(async ({ store, general }) => {
        const attached = upload(general, ALICE, 'a.png', 10, Date.now() - 60_000);
        const old = upload(general, ALICE, 'old.pdf', 10, Date.now() - 60_000);
        const fresh = upload(general, ALICE, 'new.pdf');
        for (const file of [attached, old, fresh]) await store.files.addFile(file);
        const { message: stored } = await sendWith(store, general, 'k', [attached.id]);
        assert.deepEqual(await store.files.unattached(Date.now() - 1000, 10), [old.id]);
        assert.deepEqual(await store.files.detach(general, stored.offset), [attached.id]);
        assert.equal(await store.files.file(attached.id), undefined);
        assert.equal((await store.messagesAfter(general, stored.offset - 1, 1))[0]?.attachments, undefined);
        assert.deepEqual(await store.files.detach(general, stored.offset), [], 'again: nothing');
        await store.files.removeFile(old.id);
        assert.equal(await store.files.file(old.id), undefined);
        assert.equal(await store.files.usage(ALICE), 10);
      }));
  });
}
