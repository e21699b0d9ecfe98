import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer, type RunningServer } from '../helpers/server.js';
import { following, newBrowser, noticesAbout, openTab, sleep, until, userIdOf, type Tab } from './tabs.js';

let server: RunningServer;
let observer: Tab;
const tabs: Tab[] = [];
const open = async (browser: string, worker: number): Promise<Tab> => {
  const tab = await openTab(server.url, browser, worker);
  tabs.push(tab);
  await following(tab);
  return tab;
};
/** Longer than the leave grace plus a sweep: a `left` that was coming has come by then. */
const SETTLE_MS = 3500;

before(async () => {
  server = await startServer({ workers: 2 });
  const browser = newBrowser();
  observer = await open(browser, 0);
  // The coordinator starts a few seconds after boot; from then on it announces everyone.
  await until(() => noticesAbout(observer, userIdOf(browser)).includes('joined@1'), 'the observer sees itself join', 20_000);
});
after(async () => {
  for (const tab of tabs) tab.close();
  await server.stop();
});

test('a user with two tabs joins once; closing one tab is not leaving; closing the other is one left and one offline', async () => {
  const dave = newBrowser();
  const daveId = userIdOf(dave);
  const first = await open(dave, 0);
  const second = await open(dave, 1);
  await until(() => noticesAbout(observer, daveId).includes('joined@1'), 'dave joins');
  await sleep(SETTLE_MS);
  assert.deepEqual(noticesAbout(observer, daveId), ['online@all', 'joined@1']);

  first.close();
  await sleep(SETTLE_MS);
  assert.deepEqual(noticesAbout(observer, daveId), ['online@all', 'joined@1'], 'one tab closed: nothing announced');

  second.close();
  await until(() => noticesAbout(observer, daveId).includes('offline@all'), 'dave goes offline');
  await sleep(SETTLE_MS);
  assert.deepEqual(noticesAbout(observer, daveId), ['online@all', 'joined@1', 'left@1', 'offline@all']);
});

test('two tabs closing at the same moment on two workers make exactly one left', async () => {
  for (let round = 0; round < 3; round++) {
    const erin = newBrowser();
    const erinId = userIdOf(erin);
    const erinTabs = await Promise.all([open(erin, 0), open(erin, 1), open(erin, 0), open(erin, 1)]);
    await until(() => noticesAbout(observer, erinId).includes('joined@1'), 'erin joins');
    for (const tab of erinTabs) tab.close();
    await until(() => noticesAbout(observer, erinId).includes('offline@all'), 'erin goes offline');
    await sleep(SETTLE_MS);
    assert.deepEqual(noticesAbout(observer, erinId), ['online@all', 'joined@1', 'left@1', 'offline@all'], `round ${round}`);
  }
});

test('a page reload (close and reopen within the grace) is neither a leave nor a join', async () => {
  const fay = newBrowser();
  const fayId = userIdOf(fay);
  const tab = await open(fay, 1);
  await until(() => noticesAbout(observer, fayId).includes('joined@1'), 'fay joins');
  tab.close();
  await open(fay, 0);
  await sleep(SETTLE_MS);
  assert.deepEqual(noticesAbout(observer, fayId), ['online@all', 'joined@1']);
});
