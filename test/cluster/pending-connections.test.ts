import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PendingConnections, type Shed } from '../../src/cluster/pending-connections.js';

/** Admits `count` connections named `${address}#${i}`; what each admit shed, in order. */
function admitMany(queue: PendingConnections<string>, address: string, count: number): Shed<string>[] {
  return Array.from({ length: count }, (_, index) => queue.admit(`${address}#${index}`, address)).filter((shed) => shed !== undefined);
}

test('below the caps nothing is shed, and a connection removed frees its place', () => {
  const queue = new PendingConnections<string>({ maxPending: 4, maxPendingPerAddress: 4 });
  assert.deepEqual(admitMany(queue, 'a', 2), []);
  assert.deepEqual(admitMany(queue, 'b', 2), []);
  queue.remove('a#0');
  queue.remove('a#0');
  queue.remove('never admitted');
  assert.equal(queue.size, 3);
  assert.equal(queue.heldBy('a'), 1);
  assert.equal(queue.admit('c#0', 'c'), undefined);
});

test('a full queue takes the newcomer and sheds the oldest connection of the address holding the most', () => {
  const queue = new PendingConnections<string>({ maxPending: 6, maxPendingPerAddress: 10 });
  admitMany(queue, 'attacker', 5);
  admitMany(queue, 'other', 1);
  assert.deepEqual(queue.admit('probe#0', 'probe'), { connection: 'attacker#0', reason: 'pendingFull' });
  assert.deepEqual(queue.admit('probe#1', 'probe'), { connection: 'attacker#1', reason: 'pendingFull' });
  assert.equal(queue.size, 6);
  assert.deepEqual([queue.heldBy('attacker'), queue.heldBy('other'), queue.heldBy('probe')], [3, 1, 2]);
});

test('the fullest address pays first; among equals, the one that has held that many the longest', () => {
  const queue = new PendingConnections<string>({ maxPending: 4, maxPendingPerAddress: 10 });
  admitMany(queue, 'a', 2);
  admitMany(queue, 'b', 2);
  // a reached 2 first, so of two addresses holding 2 its oldest goes first.
  assert.deepEqual(queue.admit('c#0', 'c'), { connection: 'a#0', reason: 'pendingFull' });
  assert.deepEqual(queue.admit('c#1', 'c'), { connection: 'b#0', reason: 'pendingFull' });
  // Now a, b and c hold 1, 1 and 2: c is the fullest, so its own oldest goes.
  assert.deepEqual(queue.admit('c#2', 'c'), { connection: 'c#0', reason: 'pendingFull' });
  assert.deepEqual([queue.heldBy('a'), queue.heldBy('b'), queue.heldBy('c')], [1, 1, 2]);
});

test('many addresses holding one each: the newest is the last to go', () => {
  const queue = new PendingConnections<string>({ maxPending: 100, maxPendingPerAddress: 1 });
  for (let index = 0; index < 100; index++) queue.admit(`x${index}`, `10.0.0.${index}`);
  const shed = Array.from({ length: 99 }, (_, index) => queue.admit(`new${index}`, `10.1.0.${index}`)?.connection);
  assert.deepEqual(shed, Array.from({ length: 99 }, (_, index) => `x${index}`), 'oldest first');
  assert.equal(queue.heldBy('10.0.0.99'), 1);
});

test('an address at its own cap sheds its own oldest, never another address’s', () => {
  const queue = new PendingConnections<string>({ maxPending: 100, maxPendingPerAddress: 3 });
  admitMany(queue, 'a', 3);
  admitMany(queue, 'b', 1);
  assert.deepEqual(admitMany(queue, 'a', 2), [
    { connection: 'a#0', reason: 'addressFull' },
    { connection: 'a#1', reason: 'addressFull' },
  ]);
  assert.deepEqual([queue.heldBy('a'), queue.heldBy('b'), queue.size], [3, 1, 4]);
});

test('counts stay right through a long mix of admits, sheds and removals', () => {
  const queue = new PendingConnections<number>({ maxPending: 50, maxPendingPerAddress: 8 });
  const held = new Map<number, string>();
  let seed = 7;
  const random = (below: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % below;
  };
  for (let connection = 0; connection < 20_000; connection++) {
    if (held.size > 0 && random(3) === 0) {
      const leaving = [...held.keys()][random(held.size)] ?? -1;
      queue.remove(leaving);
      held.delete(leaving);
      continue;
    }
    const address = `a${random(12)}`;
    const before = new Map([...held.values()].map((from) => [from, [...held.values()].filter((other) => other === from).length]));
    const shed = queue.admit(connection, address);
    if (shed) {
      const from = held.get(shed.connection);
      assert.notEqual(from, undefined, 'only a held connection is shed');
      if (shed.reason === 'pendingFull') assert.equal(before.get(from ?? ''), Math.max(...before.values()), 'from the fullest address');
      else assert.equal(from, address);
      held.delete(shed.connection);
    }
    held.set(connection, address);
    assert.equal(queue.size, held.size);
    assert.ok(queue.size <= 50);
    assert.ok(queue.heldBy(address) <= 8);
  }
});
