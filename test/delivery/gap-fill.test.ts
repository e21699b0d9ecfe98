// A feed that lacks messages reads them from the store. Under load, offers keep arriving
// while a read is under way (the acknowledgement of a write resumes its sender in a
// microtask, which announces the message at once): none of them may leave the feed
// waiting for its 250 ms retry, which held every acknowledgement behind it in a busy room.
// And a gap that fills itself within the turn (the missing message is announced in the
// microtasks after the one above it) is not read from the store at all.
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

/** The shared store, with its reads of missing messages going through `read`. */
function withGapReads(read: Store['messagesAfter']): Store {
  return Object.assign(Object.create(store) as Store, { messagesAfter: read });
}

/** A feed of the general room reading through `source`, the offsets it emits, and its starting head. */
async function openFeed(source: Store): Promise<{ feed: RoomFeed; emitted: number[]; start: number }> {
  const emitted: number[] = [];
  const feed = new RoomFeed(general, source, (messages) => emitted.push(...messages.map((m) => m.offset)), createLogger('silent'));
  await feed.ready;
  return { feed, emitted, start: feed.head };
}

/** Runs `action` after `hops` microtasks. */
function afterMicrotasks(hops: number, action: () => void): void {
  if (hops === 0) queueMicrotask(action);
  else queueMicrotask(() => afterMicrotasks(hops - 1, action));
}

test('an offer that arrives while a gap is being read is delivered with it, not after a retry', async () => {
  // Where in the read's promise chain the offer lands depends on the engine's microtask
  // bookkeeping, so every position up to a dozen hops after the read is tried.
  // A read that takes a while (PostgreSQL, a busy disk) has offers land during it too.
  for (const readMs of [0, 5]) {
    for (let hops = 0; hops <= 12; hops++) {
      await offerDuringRead(readMs, hops);
    }
  }
});

/** One run of the test above: the fifth message is offered `hops` microtasks after the gap read starts. */
async function offerDuringRead(readMs: number, hops: number): Promise<void> {
  let readStarted = (): void => undefined;
  const { feed, emitted, start } = await openFeed(
    withGapReads((...args) => {
      const read = store.messagesAfter(...args);
      readStarted();
      readStarted = () => undefined;
      return readMs === 0 ? read : new Promise<Awaited<typeof read>>((resolve) => setTimeout(() => resolve(read), readMs));
    }),
  );
  const stored: MessageEnvelope[] = [];
  for (let index = 0; index < 5; index++) stored.push((await store.appendMessage({ roomId: general, author: 'ann', text: `m${index}`, idempotencyKey: null })).message);
  const [, second, , , fifth] = stored;
  assert.ok(second && fifth);

  // The second message is offered first (another server announced the first one, but
  // that announcement is still on its way), so the feed reads the gap; the fifth is
  // offered while that read resolves, as an acknowledgement's continuation would be.
  readStarted = () => afterMicrotasks(hops, () => feed.offer(fifth));
  feed.offer(second);

  // Asked only after the offers settled: reach() itself raises what the feed wants.
  await new Promise((resolve) => setImmediate(resolve));
  const reached = await Promise.race([
    feed.reach(start + 5).then(() => true),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), 150)),
  ]);
  assert.ok(reached, `offered ${hops} microtasks into a ${readMs} ms read: all five delivered at once (delivered: ${emitted.join(', ')})`);
  assert.deepEqual(emitted, [start + 1, start + 2, start + 3, start + 4, start + 5], 'once each, in order');
  feed.close();
}

test('a message announced later in the same turn as the one above it is not read from the store', async () => {
  let reads = 0;
  const { feed, emitted, start } = await openFeed(
    withGapReads((...args) => {
      reads++;
      return store.messagesAfter(...args);
    }),
  );
  const first = (await store.appendMessage({ roomId: general, author: 'ann', text: 'first', idempotencyKey: null })).message;
  const second = (await store.appendMessage({ roomId: general, author: 'bob', text: 'second', idempotencyKey: null })).message;

  // Another worker's message arrives first; this worker's own, below it, is announced a few
  // microtasks later, when its acknowledgement resumes the sender.
  feed.offer(second);
  afterMicrotasks(3, () => feed.offer(first));
  await feed.reach(start + 2);
  assert.deepEqual(emitted, [start + 1, start + 2]);
  assert.equal(reads, 0, 'no store read for a gap that filled itself within the turn');
  feed.close();
});
