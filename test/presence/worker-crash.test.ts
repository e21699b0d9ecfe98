import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startServer, type RunningServer } from '../helpers/server.js';
import { GENERAL, following, listEventually, newBrowser, noticesAbout, onlineIds, openTab, until, userIdOf, type Tab } from './tabs.js';
import { quietFor } from '../helpers/waits.js';

/** The documented bounds (README, "Who is online"), from the kill to the observer. */
const LIST_BOUND_MS = 6000;
const NOTICE_BOUND_MS = 10_000;

/** The pid of the worker with this index, from its 'worker ready' log line. */
function pidOfWorker(server: RunningServer, index: number): number {
  const line = server.logs().find((entry) => entry.msg === 'worker ready' && entry['worker'] === index);
  assert.ok(line, `worker ${index} reported ready`);
  return line['workerPid'] as number;
}

/**
 * Kills (kill -9) the worker that holds two tabs of one user, whose tabs do not reconnect
 * (as if the whole browser went away with it), and checks that an observer on the other
 * worker sees the user vanish from presence:list and gets exactly one `left` and `offline`.
 */
async function killAndWatch(victimIsCoordinator: boolean): Promise<string> {
  const server = await startServer({ workers: 2 });
  const tabs: Tab[] = [];
  try {
    const coordinator = await server.waitForLog((line) => line.msg === 'presence: coordinating', 20_000);
    const coordinatorWorker = [0, 1].find((index) => pidOfWorker(server, index) === coordinator['pid']);
    assert.ok(coordinatorWorker !== undefined, 'the coordinator is a worker');
    const victimWorker = victimIsCoordinator ? coordinatorWorker : 1 - coordinatorWorker;
    const observerBrowser = newBrowser();
    const observer = await openTab(server.url, observerBrowser, 1 - victimWorker);
    tabs.push(observer);
    await following(observer);

    const gus = newBrowser();
    const gusId = userIdOf(gus);
    for (let i = 0; i < 2; i++) {
      const tab = await openTab(server.url, gus, victimWorker, { reconnection: false });
      tabs.push(tab);
      await following(tab);
    }
    await until(() => noticesAbout(observer, gusId).includes('joined@1'), 'gus joins');
    assert.ok((await onlineIds(observer.socket, GENERAL)).includes(gusId));

    const killedAt = Date.now();
    process.kill(pidOfWorker(server, victimWorker), 'SIGKILL');
    await listEventually(observer.socket, GENERAL, (ids) => !ids.includes(gusId), 'gus leaves the room list', LIST_BOUND_MS + 2000);
    const listGone = Date.now() - killedAt;
    assert.ok(!(await onlineIds(observer.socket)).includes(gusId), 'gus is not online overall');
    await until(() => noticesAbout(observer, gusId).includes('offline@all'), 'gus goes offline', NOTICE_BOUND_MS + 2000);
    const noticed = Date.now() - killedAt;
    assert.ok(listGone <= LIST_BOUND_MS, `gone from presence:list after ${listGone} ms`);
    assert.ok(noticed <= NOTICE_BOUND_MS, `left/offline announced after ${noticed} ms`);
    await quietFor(3000, 'a second announcement of the departure');
    assert.deepEqual(noticesAbout(observer, gusId), ['online@all', 'joined@1', 'left@1', 'offline@all']);
    // The observer itself was never announced as leaving.
    assert.ok(!noticesAbout(observer, userIdOf(observerBrowser)).includes('left@1'));
    return `off the list after ${listGone} ms, announced offline after ${noticed} ms`;
  } finally {
    for (const tab of tabs) tab.close();
    await server.stop('SIGKILL');
  }
}

test('kill -9 of a worker: its users leave presence:list and are announced left and offline, within the bounds', async (t) => {
  t.diagnostic(await killAndWatch(false));
});

test('kill -9 of the coordinating worker: the other takes over and announces its users gone, within the bounds', async (t) => {
  t.diagnostic(await killAndWatch(true));
});
