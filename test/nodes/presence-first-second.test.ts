import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { skipUnlessNodesCanRun, startDeployment, type Deployment } from '../helpers/nodes.js';
import { newBrowser, noticesAbout, openTab, until, userIdOf, type Tab } from '../presence/tabs.js';
import { quietFor } from '../helpers/waits.js';

const skip = await skipUnlessNodesCanRun();

/**
 * After a restart of every node (the end of a rolling restart, or a fresh deployment), a user
 * who comes and goes within the first second is still announced: a coordinator exists from
 * the start, and a stay shorter than the gap between its looks is reported to the next one.
 */
describe('presence from the first second', { skip }, () => {
  let deployment: Deployment;
  const tabs: Tab[] = [];
  before(async () => {
    deployment = await startDeployment({ nodes: 2, workers: 2 });
  });
  after(async () => {
    for (const tab of tabs) tab.close();
    await deployment?.close();
  });

  test('a user who joins and leaves within a second of the start is announced joined and left', async () => {
    await Promise.all([deployment.stop(0), deployment.stop(1)]);
    await Promise.all([deployment.start(0), deployment.start(1)]);
    const startedAt = Date.now();
    const [url0, url1] = deployment.urls();
    const observer = await openTab(url0 ?? '', newBrowser(), 'any');
    tabs.push(observer);
    const visitor = newBrowser();
    const visit = await openTab(url1 ?? '', visitor, 'any', { reconnection: false });
    visit.close();
    const stayedUntil = Date.now() - startedAt;
    assert.ok(stayedUntil < 1000, `the visit ended ${stayedUntil} ms after the start`);
    await until(() => noticesAbout(observer, userIdOf(visitor)).includes('offline@all'), 'the visitor is announced', 10_000);
    await quietFor(2000, 'a second announcement of the visitor');
    assert.deepEqual(noticesAbout(observer, userIdOf(visitor)), ['online@all', 'joined@1', 'left@1', 'offline@all']);
  });
});
