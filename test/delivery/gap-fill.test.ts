// A feed that lacks messages reads them from the store. Under load, offers keep arriving
// while a read is under way (the acknowledgement of a write resumes its sender in a
// microtask, which announces the message at once): none of them may leave the feed
// waiting for its 250 ms retry, which held every acknowledgement behind it in a busy room.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RoomFeed } from '../../src/delivery/room-feed.js';
import { createLogger } from '../../src/log.js';
import type { MessageEnvelope } from '../../src/shared/events.js';
import type { Store } from '../../src/store/store.js';
import { storeWithGeneralRoom } from '../store/harness.js';

let store: Store;
let general: number;
let closeStore: () => Promise<void>;
before(async () => {
  ({ store, general, close: closeStore } = await storeWithGeneralRoom());
});
after(async () => {
  await closeStore();
});

/** Runs `action` after `hops` microtasks. */
function afterMicrotasks(hops: number, action: () => void): void {
  if (hops === 0) queueMicrotask(action);
  else queueMicrotask(() => afterMicrotasks(hops - 1, action));
}

test('an offer that arrives while a gap is being read is delivered with it, not after a retry', async () => {
  // Where in the read's promise chain the offer lands depends on the engine's microtask
  // bookkeeping, so every position up to a dozen hops after the read is tried.
  for (let hops = 0; hops <= 12; hops++) {
    const emitted: number[] = [];
    const feed = new RoomFeed(general, store, (messages) => emitted.push(...messages.map((m) => m.offset)), createLogger('silent'));
    await feed.ready;
    const start = feed.head;
    const stored: MessageEnvelope[] = [];
    for (let index = 0; index < 5; index++) stored.push((await store.appendMessage({ roomId: general, author: 'ann', text: `m${index}`, idempotencyKey: null })).message);
    const [, second, , , fifth] = stored;
    assert.ok(second && fifth);

    // The second message is offered first (another server announced the first one, but
    // that announcement is still on its way), so the feed reads the gap; the fifth is
    // offered while that read resolves, as an acknowledgement's continuation would be.
    feed.offer(second);
    afterMicrotasks(hops, () => feed.offer(fifth));

    // Asked only after the offers settled: reach() itself raises what the feed wants.
    await new Promise((resolve) => setImmediate(resolve));
    const reached = await Promise.race([
      feed.reach(start + 5).then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), 150)),
    ]);
    assert.ok(reached, `offered ${hops} microtasks into the read: all five delivered at once (delivered: ${emitted.join(', ')})`);
    assert.deepEqual(emitted, [start + 1, start + 2, start + 3, start + 4, start + 5], 'once each, in order');
    feed.close();
  }
});
