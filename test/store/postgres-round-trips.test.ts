import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createStore } from '../../src/store/index.js';
import { DEFAULT_ROOM, type MessageDraft } from '../../src/store/store.js';
import { skipUnlessAvailable } from '../helpers/services.js';
import { postgresHarness, postgresReachable, postgresUrl } from './harness.js';
import { ProtocolCounter } from './protocol-counter.js';

const skip = skipUnlessAvailable('PostgreSQL', await postgresReachable(), `at ${new URL(postgresUrl).host}`);

const draft = (roomId: number, text: string, idempotencyKey: string | null): MessageDraft => ({ roomId, author: 'alice', text, idempotencyKey });

describe('PostgreSQL append: round trips on the wire', () => {
  test('a batch of 50 drafts, keys repeated and stored, costs one statement and one round trip', { skip }, async () => {
    const harness = await postgresHarness();
    const url = new URL(harness.databaseUrl);
    const counter = await ProtocolCounter.start({ host: url.hostname, port: Number(url.port || 5432) });
    url.hostname = '127.0.0.1';
    url.port = String(counter.port);
    const store = await createStore(url.href);
    try {
      const general = (await store.roomByName(DEFAULT_ROOM))?.id ?? -1;
      // Connections opened and the statement prepared: what follows is the steady state.
      await store.appendMessage(draft(general, 'warm-up', 'k-stored'));
      counter.reset();

      // Submitted in one turn: one group-commit batch.
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, index) =>
          store.appendMessage(draft(general, `m${index}`, index === 10 ? 'k-stored' : index % 7 === 0 ? 'k-repeat' : `k${index}`)),
        ),
      );

      assert.deepEqual(counter.counts, { sync: 1, query: 0, execute: 1 }, 'one statement, one round trip for the batch');
      assert.equal(results[10]?.duplicate, true, 'a key stored before is a duplicate');
      assert.equal(results[10]?.message.text, 'warm-up');
      assert.equal(results[7]?.message.offset, results[0]?.message.offset, 'a key repeated in the batch returns its first draft');
      assert.equal(results[7]?.duplicate, true);
      const fresh = results.filter((result) => !result.duplicate).map((result) => result.message.offset);
      assert.deepEqual(fresh, Array.from({ length: fresh.length }, (_, index) => 2 + index), 'new drafts take consecutive offsets in order');
    } finally {
      await store.close();
      await counter.close();
      await harness.dispose();
    }
  });

  test('batches of two rooms go side by side: one round trip per room', { skip }, async () => {
    const harness = await postgresHarness();
    const url = new URL(harness.databaseUrl);
    const counter = await ProtocolCounter.start({ host: url.hostname, port: Number(url.port || 5432) });
    url.hostname = '127.0.0.1';
    url.port = String(counter.port);
    const store = await createStore(url.href);
    try {
      const general = (await store.roomByName(DEFAULT_ROOM))?.id ?? -1;
      const second = await harness.addRoom('second');
      await Promise.all([store.appendMessage(draft(general, 'warm-up', null)), store.appendMessage(draft(second, 'warm-up', null))]);
      counter.reset();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, index) => store.appendMessage(draft(index % 2 === 0 ? general : second, `m${index}`, null))),
      );
      assert.deepEqual(counter.counts, { sync: 2, query: 0, execute: 2 });
      assert.deepEqual(
        results.filter((_, index) => index % 2 === 1).map((result) => result.message.offset),
        Array.from({ length: 10 }, (_, index) => 2 + index),
      );
    } finally {
      await store.close();
      await counter.close();
      await harness.dispose();
    }
  });
});
