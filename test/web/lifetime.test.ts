import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Lifetime } from '../../web/shared/lifetime.js';
import { letTimePass } from '../helpers/waits.js';

test('a stopped Lifetime leaves nothing running: its intervals cleared, its listeners removed, newest first, once', async () => {
  const lifetime = new Lifetime();
  let ticks = 0;
  lifetime.every(5, () => void (ticks += 1));
  const target = new EventTarget();
  let heard = 0;
  lifetime.listen(target as unknown as Window, 'focus', () => void (heard += 1));
  const order: string[] = [];
  lifetime.add(() => order.push('first'));
  lifetime.add(() => order.push('second'));

  await letTimePass(40, 'the interval ticks while the lifetime runs');
  target.dispatchEvent(new Event('focus'));
  assert.ok(ticks > 0, 'the interval ran');
  assert.equal(heard, 1);

  lifetime.stop();
  lifetime.stop();
  const ticksAtStop = ticks;
  await letTimePass(40, 'a cleared interval would have ticked several times');
  target.dispatchEvent(new Event('focus'));
  assert.equal(ticks, ticksAtStop, 'no tick after stop');
  assert.equal(heard, 1, 'no listener after stop');
  assert.deepEqual(order, ['second', 'first'], 'cleanups ran newest first, once');
  let late = false;
  lifetime.add(() => void (late = true));
  assert.ok(late, 'what is added after stop ends at once');
});
