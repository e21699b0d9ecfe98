// A worker on the shared SQLite writer hears of every message the other workers store
// (Store.watchAppends), relayed as the cluster primary relays it: each message once, never
// its own appends, never a retry found stored already (in whatever order commits answer:
// room feeds put messages in offset order themselves). Delivery then
// announces nothing through the adapter, so a message missing here would reach no socket
// on the other worker.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Store, StoredMessage } from '../../src/store/store.js';
import { sqliteSharedWriterHarness } from './harness.js';
import { letTimePass } from '../helpers/waits.js';

const SENDS_PER_STORE = 300;

test('each store sharing the writer hears of every message the others stored, once', async (t) => {
  const harness = await sqliteSharedWriterHarness();
  const stores = await Promise.all([harness.open(), harness.open(), harness.open()]);
  t.after(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await harness.dispose();
  });
  const roomId = await harness.addRoom('relay');
  const heard = stores.map((store) => {
    const messages: StoredMessage[] = [];
    assert.ok(store.watchAppends, 'a store on the shared writer reports the others’ appends');
    store.watchAppends((batch) => messages.push(...batch));
    return messages;
  });

  // Concurrent senders on every store, so commits mix the stores' batches.
  const send = (store: Store, index: number, key: string) =>
    store.appendMessage({ roomId, author: `s${index}`, text: key, idempotencyKey: key });
  const stored = await Promise.all(
    stores.map(async (store, index) => {
      const offsets: number[] = [];
      for (let i = 0; i < SENDS_PER_STORE; i += 10) {
        const results = await Promise.all(Array.from({ length: 10 }, (_, j) => send(store, index, `${index}-${i + j}`)));
        offsets.push(...results.map((result) => result.message.offset));
      }
      return offsets;
    }),
  );
  // Retries of stored messages, from the sender and from another store: nothing new to tell.
  const retried = await Promise.all([send(stores[0]!, 0, '0-5'), send(stores[1]!, 0, '0-6')]);
  assert.ok(retried.every((result) => result.duplicate));
  // Replies and relayed messages leave the writer together; let the last relay land.
  await letTimePass(100, 'the last relay lands (replies and relays leave the writer together)');

  const sorted = (offsets: number[]): number[] => [...offsets].sort((a, b) => a - b);
  stores.forEach((_, index) => {
    const offsets = heard[index]!.filter((message) => message.roomId === roomId).map((message) => message.offset);
    const othersStored = stored.filter((__, other) => other !== index).flat();
    assert.equal(othersStored.length, SENDS_PER_STORE * (stores.length - 1));
    assert.deepEqual(sorted(offsets), sorted(othersStored), `store ${index} hears of exactly the others' messages, each once`);
  });
});
