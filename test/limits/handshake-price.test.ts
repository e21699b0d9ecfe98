import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_LIMITS, type LimitName } from '../../src/limits/catalog.js';
import { handshakePrice } from '../../src/limits/handshake-price.js';
import { Prices } from '../../src/limits/price.js';
import type { CounterFactory, SharedCounter } from '../../src/limits/shared-counter.js';

/** Counters as the primary holds them: every take and read is a round trip (here 5 ms); reads are counted. */
function sharedCounters(): { readonly factory: CounterFactory; readonly reads: (name: LimitName) => number; readonly add: (name: LimitName, key: string, points: number) => void } {
  const used = new Map<string, number>();
  const reads = new Map<string, number>();
  const factory: CounterFactory = (name, rule) => {
    const counter: SharedCounter = {
      async take(key, points = 1) {
        await sleep(5);
        const now = used.get(`${name}/${key}`) ?? 0;
        if (now + points > rule.points) return false;
        used.set(`${name}/${key}`, now + points);
        return true;
      },
      async used(key) {
        reads.set(name, (reads.get(name) ?? 0) + 1);
        await sleep(5);
        return used.get(`${name}/${key}`) ?? 0;
      },
      forget: () => Promise.resolve(),
    };
    return counter;
  };
  return {
    factory,
    reads: (name) => reads.get(name) ?? 0,
    add: (name, key, points) => used.set(`${name}/${key}`, (used.get(`${name}/${key}`) ?? 0) + points),
  };
}

test('a burst of handshakes from one address shares its refusals reads: all admitted, a read per round trip, not per handshake', async () => {
  const counters = sharedCounters();
  const admit = handshakePrice(new Prices(DEFAULT_LIMITS, counters.factory));
  const burst = await Promise.all(Array.from({ length: 40 }, () => admit('203.0.113.7')));
  assert.equal(burst.filter((admitted) => admitted).length, 40);
  assert.ok(counters.reads('refusals.address') <= 2, `${counters.reads('refusals.address')} reads of refusals.address for 40 handshakes at once`);
  // Another address reads its own count.
  const readsBefore = counters.reads('refusals.address');
  assert.equal(await admit('203.0.113.8'), true);
  assert.equal(counters.reads('refusals.address'), readsBefore + 1);
});

test('an address that has spent its refusals is refused, by every handshake of a burst and by the next one', async () => {
  const counters = sharedCounters();
  const admit = handshakePrice(new Prices(DEFAULT_LIMITS, counters.factory));
  assert.equal(await admit('203.0.113.9'), true);
  counters.add('refusals.address', '203.0.113.9', DEFAULT_LIMITS['refusals.address'].points);
  // Reads under way when the refusals were counted are not reused by later handshakes.
  const burst = await Promise.all(Array.from({ length: 10 }, () => admit('203.0.113.9')));
  assert.deepEqual(burst, Array.from({ length: 10 }, () => false));
  assert.equal(await admit('203.0.113.9'), false);
  assert.equal(await admit('203.0.113.10'), true, 'other addresses are not refused');
});
