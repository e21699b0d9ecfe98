import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BurstCollector } from '../../src/cluster/burst-collector.js';
import { letTimePass, pace, quietFor } from '../helpers/waits.js';

const QUIET_MS = 40;

function counting(burstHandOffs = 5): { collector: BurstCollector; collections: () => number } {
  let collections = 0;
  const collector = new BurstCollector({ collect: () => collections++, burstHandOffs, quietMs: QUIET_MS });
  return { collector, collections: () => collections };
}

test('one collection once a burst of hand-offs has gone quiet, none while it lasts', async () => {
  const { collector, collections } = counting();
  for (let i = 0; i < 20; i++) {
    collector.noteHandOff();
    await pace(QUIET_MS / 4, 'the next connection of the burst');
  }
  assert.equal(collections(), 0, 'not while connections keep arriving');
  await letTimePass(QUIET_MS * 3, 'the quiet time after the burst');
  assert.equal(collections(), 1, 'once after the burst');
  await quietFor(QUIET_MS * 3, 'a second collection');
  assert.equal(collections(), 1, 'and not again without new hand-offs');
});

test('fewer hand-offs than a burst are never collected after, however long the quiet', async () => {
  const { collector, collections } = counting();
  for (let i = 0; i < 4; i++) collector.noteHandOff();
  await quietFor(QUIET_MS * 3, 'a collection of a burst too small');
  assert.equal(collections(), 0);
  // The count starts again only after a collection: the fifth completes the burst.
  collector.noteHandOff();
  await letTimePass(QUIET_MS * 3, 'the quiet time after the burst');
  assert.equal(collections(), 1);
});

test('close() cancels a pending collection; without a collect function nothing is scheduled', async () => {
  const { collector, collections } = counting(1);
  collector.noteHandOff();
  collector.close();
  await quietFor(QUIET_MS * 3, 'a collection after close');
  assert.equal(collections(), 0);
  const inert = new BurstCollector({ collect: undefined, burstHandOffs: 1, quietMs: QUIET_MS });
  inert.noteHandOff();
  inert.close();
});
