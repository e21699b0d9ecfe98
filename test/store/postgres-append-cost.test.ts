import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pg from 'pg';
import { createStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/store.js';
import { skipUnlessAvailable } from '../helpers/services.js';
import { postgresHarness, postgresReachable } from './harness.js';

const skip = skipUnlessAvailable('PostgreSQL', await postgresReachable(), 'to read the cost of parley_append');

const BIG_ROOM_MESSAGES = 6_000;
const SMALL_ROOM_MESSAGES = 50;
const BATCH = 5;

/** Fills a room with `count` messages, each with its idempotency key, a few hundred per batch. */
async function fill(store: Store, roomId: number, count: number): Promise<void> {
  for (let from = 0; from < count; from += 500) {
    const size = Math.min(500, count - from);
    await Promise.all(
      Array.from({ length: size }, (_, index) =>
        store.appendMessage({ roomId, author: 'alice', text: `filler ${from + index}`, idempotencyKey: `fill-${roomId}-${from + index}` }),
      ),
    );
  }
}

interface ExplainNode {
  readonly 'Shared Hit Blocks': number;
  readonly 'Shared Read Blocks': number;
}

let nextKey = 0;

/**
 * Appends one batch of fresh drafts with `EXPLAIN (ANALYZE, BUFFERS)`: the function scan's
 * buffer counts include every statement the function ran (buffer usage is counted per
 * backend), so they are the pages the whole append touched.
 */
async function pagesTouchedByAppend(client: pg.Client, roomId: number, batch: 'new keys' | 'a repeated key'): Promise<number> {
  const keys = Array.from({ length: BATCH }, () => `probe-${nextKey++}`);
  // A key twice in one batch takes the function's general statement; new keys its usual path.
  if (batch === 'a repeated key') keys[BATCH - 1] = keys[0] ?? '';
  const { rows } = await client.query<{ 'QUERY PLAN': [{ Plan: ExplainNode }] }>(
    `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)
     SELECT * FROM parley_append($1::integer, $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::text[], $9::bigint)`,
    [
      roomId,
      keys,
      keys.map(() => 'alice'),
      keys.map((key) => `text of ${key}`),
      keys.map(() => 'message'),
      keys.map(() => null),
      keys.map(() => 'user-alice'),
      keys.map(() => 'client-1'),
      Date.now(),
    ],
  );
  const plan = rows[0]?.['QUERY PLAN'][0].Plan;
  assert.ok(plan, 'EXPLAIN returned a plan');
  return plan['Shared Hit Blocks'] + plan['Shared Read Blocks'];
}

describe('PostgreSQL append: its cost does not grow with the room', () => {
  test(`a batch of ${BATCH} touches about as many pages in a room of ${BIG_ROOM_MESSAGES.toLocaleString('en-US')} messages as in one of ${SMALL_ROOM_MESSAGES}`, { skip }, async () => {
    const harness = await postgresHarness();
    const store = await createStore(harness.databaseUrl);
    const client = new pg.Client({ connectionString: harness.databaseUrl });
    try {
      const big = await harness.addRoom('big');
      const small = await harness.addRoom('small');
      await fill(store, big, BIG_ROOM_MESSAGES);
      await fill(store, small, SMALL_ROOM_MESSAGES);
      await client.connect();
      // PL/pgSQL plans its statements with the first calls' values and may switch to a
      // generic plan after five: measure past that point, on this session's own plans.
      for (const batch of ['new keys', 'a repeated key'] as const) {
        for (let call = 0; call < 8; call++) {
          await pagesTouchedByAppend(client, small, batch);
          await pagesTouchedByAppend(client, big, batch);
        }
        const inSmall = await pagesTouchedByAppend(client, small, batch);
        const inBig = await pagesTouchedByAppend(client, big, batch);
        // Reading the room's keys (the bug this guards against) costs one heap page per ~100
        // messages: 60 or more extra pages here. Index descents differ by a level at most.
        assert.ok(
          inBig <= inSmall + 15,
          `a batch with ${batch} touched ${inBig} pages in the big room against ${inSmall} in the small one: it reads the room, not just its own keys`,
        );
      }
    } finally {
      await client.end().catch(() => undefined);
      await store.close();
      await harness.dispose();
    }
  });
});
