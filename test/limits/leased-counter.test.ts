import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { LeasedCounter } from '../../src/limits/leased-counter.js';
import type { SharedCounter } from '../../src/limits/shared-counter.js';

/** A shared counter as the primary holds one: every take is a round trip (here 5 ms). */
function sharedCounter(budget: number): SharedCounter & { readonly roundTrips: number; readonly used: () => Promise<number> } {
  let used = 0;
  let roundTrips = 0;
  return {
    get roundTrips() {
      return roundTrips;
    },
    async take(_key, points = 1) {
      roundTrips += 1;
      await sleep(5);
      if (used + points > budget) return false;
      used += points;
      return true;
    },
    used: () => Promise.resolve(used),
    forget: () => Promise.resolve(),
  };
}

test('a burst of takes from one key far below the budget is granted whole, one renewal at a time', async () => {
  const shared = sharedCounter(100);
  const counter = new LeasedCounter(shared, 100, 10_000); // leases of 5 points
  const burst = await Promise.all(Array.from({ length: 40 }, () => counter.take('127.0.0.1')));
  assert.equal(burst.filter((granted) => granted).length, 40, 'every take of the burst granted');
  assert.ok(shared.roundTrips <= 8, `one round trip per lease of 5, not one per take: ${shared.roundTrips}`);
  assert.equal(await shared.used(), 40);
});

test('past the budget a burst is refused exactly beyond it', async () => {
  const shared = sharedCounter(20);
  const counter = new LeasedCounter(shared, 20, 10_000); // a lease of 1 point
  const burst = await Promise.all(Array.from({ length: 30 }, () => counter.take('127.0.0.1')));
  assert.equal(burst.filter((granted) => granted).length, 20);
});
