import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EventKind, MessageDraft, Store } from '../../src/store/store.js';
import { freshStores, type HarnessFactory } from './harness.js';

const ALICE = { authorId: 'a:1', author: 'alice' };
const BOB = { authorId: 'g:bob', author: 'bob' };

/** Stores one event of `general` and resolves with its offset. */
async function store(target: Store, roomId: number, who: typeof ALICE, kind: EventKind, text: string, on?: number): Promise<number> {
  const draft: MessageDraft = { roomId, ...who, text, idempotencyKey: null, kind, ...(on === undefined ? {} : { target: on }) };
  return (await target.appendMessage(draft)).message.offset;
}

/**
 * The pins part of the Store contract (src/store/pins.ts): what a room's `pin` / `unpin`
 * events add up to, the latest of each message deciding, deleted messages left out, the
 * newest pin first. Called by `storeContract`.
 */
export function pinsContract(name: string, factory: HarnessFactory, skip: string | false): void {
  const inFreshStore = freshStores(factory);

  describe(`Store contract, pins: ${name}`, () => {
    test('the latest pin or unpin of a message decides; newest pin first; edits show, deletions unpin; rooms apart', { skip }, () =>
      inFreshStore(async ({ store: db, general }) => {
        const [first, second, third] = [
          await store(db, general, ALICE, 'message', 'first'),
          await store(db, general, BOB, 'message', 'second'),
          await store(db, general, ALICE, 'message', 'third'),
        ];
        assert.deepEqual(await db.pins.pinned(general, 50), []);
        assert.equal(await db.pins.pinOf(general, first), undefined);

        const firstPin = await store(db, general, BOB, 'pin', '', first);
        const secondPin = await store(db, general, ALICE, 'pin', '', second);
        await store(db, general, ALICE, 'pin', '', third);
        await store(db, general, ALICE, 'unpin', '', third);
        const listed = await db.pins.pinned(general, 50);
        assert.deepEqual(
          listed.map(({ message, pin }) => [message.offset, message.text, pin.offset, pin.author, pin.authorId, pin.kind, pin.target]),
          [
            [second, 'second', secondPin, 'alice', 'a:1', 'pin', second],
            [first, 'first', firstPin, 'bob', 'g:bob', 'pin', first],
          ],
          'the newest pin first; an unpinned message is not listed',
        );
        assert.ok((listed[0]?.pin.createdAt ?? 0) > 0);
        assert.deepEqual(await db.pins.pinned(general, 1).then((rows) => rows.map((row) => row.message.offset)), [second], 'limit');
        assert.equal((await db.pins.pinOf(general, first))?.offset, firstPin);
        assert.equal(await db.pins.pinOf(general, third), undefined, 'unpinned');
        assert.equal(await db.pins.pinOf(general, 999), undefined, 'no such message');

        await store(db, general, ALICE, 'pin', '', third);
        assert.equal((await db.pins.pinned(general, 50))[0]?.message.offset, third, 'pinned again: the newest pin');

        await store(db, general, BOB, 'edit', 'second, edited', second);
        assert.equal((await db.pins.pinned(general, 50)).find((row) => row.message.offset === second)?.message.text, 'second, edited');
        await store(db, general, BOB, 'delete', '', second);
        assert.deepEqual((await db.pins.pinned(general, 50)).map((row) => row.message.offset), [third, first], 'a deleted message is pinned no longer');
        assert.equal(await db.pins.pinOf(general, second), undefined);

        const other = await db.rooms.createRoom('elsewhere', { userId: 'a:1', name: 'alice' });
        assert.ok(other);
        await store(db, other.id, ALICE, 'message', 'over there');
        assert.deepEqual(await db.pins.pinned(other.id, 50), [], 'another room’s pins are its own');
        assert.equal(await db.pins.pinOf(other.id, first), undefined);
      }),
    );
  });
}
