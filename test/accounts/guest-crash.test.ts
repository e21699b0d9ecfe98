import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startServer } from '../helpers/server.js';
import { connectClient, newCookie } from './clients.js';
import { pace } from '../helpers/waits.js';

/** How long a dead server's guest names may stay taken: the lease (15 s) plus a margin. */
const BOUND_MS = 20_000;

test('a guest name frees within a bounded time after its worker is killed with kill -9', async (t) => {
  const server = await startServer({ workers: 2 });
  t.after(() => server.stop());
  const victim = await connectClient(server.url, { cookie: newCookie(), worker: 1 });
  const other = await connectClient(server.url, { cookie: newCookie(), worker: 0 });
  t.after(() => {
    victim.close();
    other.close();
  });
  assert.ok((await victim.emitWithAck('guest:nickname', { nickname: 'Crashy' })).ok);

  const ready = server.logs().find((line) => line.msg === 'worker ready' && line['worker'] === 1);
  const pid = ready?.['workerPid'];
  assert.equal(typeof pid, 'number');
  process.kill(pid as number, 'SIGKILL');
  const killedAt = Date.now();
  const early = await other.emitWithAck('guest:nickname', { nickname: 'crashy' });
  assert.equal(!early.ok && early.error, 'NAME_TAKEN', 'the lease outlives the crash for a while');

  let freed = false;
  while (!freed && Date.now() - killedAt < BOUND_MS) {
    await pace(1000, 'the next look at the name');
    freed = (await other.emitWithAck('guest:nickname', { nickname: 'crashy' })).ok;
  }
  assert.ok(freed, `the name freed within ${BOUND_MS} ms of the crash`);
  console.log(`guest name freed ${Date.now() - killedAt} ms after kill -9`);
});
