import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SharedReads } from '../../src/delivery/shared-reads.js';
import type { Store } from '../../src/store/store.js';
import { storeWithGeneralRoom } from '../store/harness.js';

/**
 * Catch-up's shared store reads, on a real SQLite store: concurrent readers of the same
 * batch get the very same envelopes (so their frames are encoded once), a full batch is
 * reused, and a short one is never served again once newer messages may exist.
 */
describe('SharedReads: catch-up reads shared among clients', () => {
  let store: Store;
  let general: number;
  let closeStore: () => Promise<void>;

  const append = async (count: number): Promise<void> => {
    for (let index = 0; index < count; index++) {
      await store.appendMessage({ roomId: general, author: 'ann', text: `message ${index}`, idempotencyKey: null });
    }
  };

  before(async () => {
    ({ store, general, close: closeStore } = await storeWithGeneralRoom());
    await append(10);
  });
  after(async () => {
    await closeStore();
  });

  test('readers of the same batch at the same time share one read', async () => {
    const reads = new SharedReads(store);
    const [first, second] = await Promise.all([reads.after(general, 0, 4), reads.after(general, 0, 4)]);
    assert.deepEqual(
      first?.map((message) => message.offset),
      [1, 2, 3, 4],
    );
    assert.equal(first, second);
  });

  test('a full batch is kept for later readers; other offsets and limits are read on their own', async () => {
    const reads = new SharedReads(store);
    const full = await reads.after(general, 2, 3);
    assert.equal(await reads.after(general, 2, 3), full);
    assert.notEqual(await reads.after(general, 3, 3), full);
    assert.notEqual(await reads.after(general, 2, 4), full);
  });

  test('a short batch is not served again: newer messages are read', async () => {
    const reads = new SharedReads(store);
    const short = await reads.after(general, 8, 5);
    assert.deepEqual(
      short.map((message) => message.offset),
      [9, 10],
    );
    await append(2);
    const later = await reads.after(general, 8, 5);
    assert.deepEqual(
      later.map((message) => message.offset),
      [9, 10, 11, 12],
    );
  });

  test('a deletion forgets what is kept and being read of its room: no later reader gets the erased text', async () => {
    const reads = new SharedReads(store);
    const kept = await reads.after(general, 0, 3);
    assert.equal(kept[0]?.text, 'message 0');
    const inFlight = reads.after(general, 3, 3);
    await store.appendMessage({ roomId: general, author: 'ann', text: '', kind: 'delete', target: 1, idempotencyKey: null });
    reads.forgetRoom(general);
    await inFlight;
    const again = await reads.after(general, 0, 3);
    assert.notEqual(again, kept);
    assert.equal(again[0]?.text, '');
    assert.ok(again[0]?.redacted, 'read again: the tombstone');
    assert.notEqual(await reads.after(general, 3, 3), await inFlight, 'a read begun before is not kept');
  });

  test('beyond its capacity the oldest batches are read again', async () => {
    // Room for two batches of two short messages (about 300 estimated bytes each), not three.
    const reads = new SharedReads(store, 1500);
    const oldest = await reads.after(general, 0, 2);
    await reads.after(general, 2, 2);
    assert.equal(await reads.after(general, 0, 2), oldest);
    const newest = await reads.after(general, 4, 2); // a third batch: the oldest goes
    assert.notEqual(await reads.after(general, 0, 2), oldest);
    assert.equal(await reads.after(general, 4, 2), newest);
  });
});
