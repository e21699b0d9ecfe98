// The SQLite writer thread dying mid-traffic (a native crash, an out-of-memory kill of the
// thread): the calls it held fail as "try again", it is started again, and retries with
// the same idempotency keys leave every message stored once, with gap-free offsets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Worker } from 'node:worker_threads';
import { createStore, type SharedWriter } from '../../src/store/index.js';
import { StoreUnavailableError, type Store } from '../../src/store/store.js';
import { writeChannelsTo, sqliteHarness, startCompiledWriter } from './harness.js';
import { letTimePass, pace } from '../helpers/waits.js';

/** Appends with `key` until the store takes it (it answers "unavailable" while the writer restarts). */
async function appendUntilStored(store: Store, roomId: number, key: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await store.appendMessage({ roomId, author: 'tester', text: `text of ${key}`, idempotencyKey: key });
      return;
    } catch (error) {
      assert.ok(error instanceof StoreUnavailableError, `only "unavailable" may fail a write here, got ${String(error)}`);
      assert.ok(Date.now() < deadline, `${key} was never stored`);
      await pace(100, 'the next try');
    }
  }
}

test('a writer thread that dies mid-traffic is started again; retried writes are stored once each, without gaps', { timeout: 90_000 }, async (t) => {
  const base = await sqliteHarness();
  const writer = await startCompiledWriter(base.databaseUrl);
  // The thread is killed as the first batch sent after `kill.armed` leaves for it, so that
  // batch is certainly held by the thread when it dies.
  const kill = { armed: false };
  const killing: SharedWriter = {
    execute: (batch) => {
      const replies = writer.execute(batch);
      if (kill.armed) {
        kill.armed = false;
        const thread = (writer as unknown as { thread?: Worker }).thread;
        assert.ok(thread, 'the writer runs a thread');
        void thread.terminate();
      }
      return replies;
    },
    close: () => writer.close(),
  };
  const store = await createStore(base.databaseUrl, { writeChannel: writeChannelsTo(killing)() });
  t.after(async () => {
    await store.close();
    await writer.close();
    await base.dispose();
  });
  const roomId = await base.addRoom('crash');
  const keys = Array.from({ length: 400 }, (_, i) => `k${i}`);

  // First attempts of all of them, in four waves; the thread dies with the second.
  // Settled at once, so that no rejection goes unhandled while the test waits for the kill.
  const firstTries: Promise<unknown>[] = [];
  const attempt = (key: string): Promise<unknown> =>
    store.appendMessage({ roomId, author: 'tester', text: `text of ${key}`, idempotencyKey: key }).then(
      () => undefined,
      (error: unknown) => error,
    );
  for (let wave = 0; wave < 4; wave++) {
    kill.armed = wave === 1;
    for (const key of keys.slice(wave * 100, wave * 100 + 100)) firstTries.push(attempt(key));
    await letTimePass(5, 'the wave is in flight');
  }
  const failed = (await Promise.all(firstTries)).filter((outcome) => outcome !== undefined);
  assert.ok(failed.length > 0, 'some writes were held by the thread when it died');
  for (const error of failed) assert.ok(error instanceof StoreUnavailableError, `failed as unavailable: ${String(error)}`);

  // Clients retry what was not acknowledged; what did commit before the death is found by its key.
  await Promise.all(keys.map((key) => appendUntilStored(store, roomId, key)));

  const stored = await store.messagesAfter(roomId, 0, 1000);
  assert.deepEqual(stored.map((message) => message.offset), keys.map((_, i) => i + 1), 'offsets 1..400, no gap');
  assert.deepEqual(new Set(stored.map((message) => message.text)), new Set(keys.map((key) => `text of ${key}`)), 'every message once');
  assert.equal(await store.roomHead(roomId), keys.length);
});
