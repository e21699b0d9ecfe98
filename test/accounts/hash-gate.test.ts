import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HashGate, HashQueueFullError } from '../../src/accounts/hash-gate.js';

/** The per-process bound on concurrent password hashes. */
describe('hash gate', () => {
  test('runs 2 at once, queues 2 more in order, refuses the fifth at once', async () => {
    const gate = new HashGate(2, 2);
    let running = 0;
    let most = 0;
    const finished: number[] = [];
    const releases: (() => void)[] = [];
    const task = (index: number) => () =>
      new Promise<number>((resolve) => {
        running++;
        most = Math.max(most, running);
        releases.push(() => {
          running--;
          finished.push(index);
          resolve(index);
        });
      });
    const accepted = [0, 1, 2, 3].map((index) => gate.run(task(index)));
    await assert.rejects(gate.run(task(4)), HashQueueFullError);
    while (finished.length < 4) {
      await new Promise((resolve) => setImmediate(resolve));
      releases.shift()?.();
    }
    assert.deepEqual(await Promise.all(accepted), [0, 1, 2, 3]);
    assert.equal(most, 2);
    assert.equal(await gate.run(async () => 'free again'), 'free again');
  });
});
