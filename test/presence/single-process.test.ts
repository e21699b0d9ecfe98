import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startServer } from '../helpers/server.js';
import { GENERAL, following, newBrowser, noticesAbout, onlineIds, openTab, until, userIdOf, type Tab } from './tabs.js';
import { quietFor } from '../helpers/waits.js';

test('one process without a cluster: one entry per user, notices and typing work the same', async (t) => {
  const server = await startServer({ entry: 'main' });
  const tabs: Tab[] = [];
  t.after(async () => {
    for (const tab of tabs) tab.close();
    await server.stop();
  });
  const open = async (browser: string): Promise<Tab> => {
    const tab = await openTab(server.url, browser, 'any');
    tabs.push(tab);
    await following(tab);
    return tab;
  };
  const observer = await open(newBrowser());
  const jo = newBrowser();
  const [first, second] = [await open(jo), await open(jo)];
  assert.equal((await onlineIds(observer.socket, GENERAL)).filter((id) => id === userIdOf(jo)).length, 1);
  await until(() => noticesAbout(observer, userIdOf(jo)).includes('joined@1'), 'jo joins');

  await first!.socket.timeout(5000).emitWithAck('typing', { roomId: GENERAL, typing: true });
  await until(() => observer.typing.some((event) => event.user.id === userIdOf(jo) && event.typing), 'observer sees jo typing');
  assert.deepEqual(second!.typing, []);

  first!.close();
  second!.close();
  await until(() => noticesAbout(observer, userIdOf(jo)).includes('offline@all'), 'jo goes offline');
  await quietFor(2000, 'a second announcement');
  assert.deepEqual(noticesAbout(observer, userIdOf(jo)), ['online@all', 'joined@1', 'left@1', 'offline@all']);
});
