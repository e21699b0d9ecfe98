// Issue 13, defect 2 (renames): a guest who renames 3 s after arriving shows under the new
// name in everyone's online list at once, as one entry, and their join notice says it too;
// a guest who signs in is one person too: one entry, one line, nobody leaving or arriving.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { chromiumSkipReason, launchChromium } from '../helpers/browser.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { ChatPage } from './chat-page.js';

const skip = chromiumSkipReason();

describe('a rename reaches every online list', () => {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  before(async () => {
    if (skip) return;
    [server, browser] = await Promise.all([startServer({ workers: 2 }), launchChromium()]);
  });
  after(async () => {
    await Promise.all([browser?.close(), server?.stop()]);
  });

  test('renamed 3 s after arriving: the new name in the other browsers within 2 s, one entry, no focus event needed', { skip }, async () => {
    const open = async () => (await ChatPage.open(browser as Browser, server?.url ?? '')).chat;
    const watchers = [await open(), await open()];
    const arriving = await open();
    const automatic = ((await arriving.page.textContent('#me')) ?? '').replace(/^Guest: /, '');
    for (const watcher of watchers) {
      await watcher.page.waitForFunction((name) => Array.from(document.querySelectorAll('#online li .name')).some((item) => item.textContent === name), automatic, { timeout: 20_000 });
      await watcher.page.waitForFunction((name) => Array.from(document.querySelectorAll('#messages > li.notice')).some((item) => item.textContent === `${name} joined`), automatic, { timeout: 20_000 });
    }
    await arriving.page.waitForTimeout(3000);
    await arriving.pickNickname('newname');
    const renamedAt = Date.now();
    for (const watcher of watchers) {
      await watcher.page.waitForFunction(() => Array.from(document.querySelectorAll('#online li .name')).some((item) => item.textContent === 'newname'), undefined, { timeout: 2000 });
      const names = await watcher.online();
      assert.ok(!names.includes(automatic), `the automatic name is gone: ${JSON.stringify(names)}`);
      assert.equal(names.filter((name) => name === 'newname').length, 1, 'one entry');
      const notices = await watcher.notices();
      assert.ok(notices.includes('newname joined') && !notices.some((notice) => notice.startsWith(automatic)), `the join notice says the new name: ${JSON.stringify(notices)}`);
    }
    assert.ok(Date.now() - renamedAt < 2500);
  });

  test('a guest who signs in: the account replaces the guest in every list, one line in the room, no leave, no join', { skip }, async () => {
    const open = async () => (await ChatPage.open(browser as Browser, server?.url ?? '')).chat;
    const watchers = [await open(), await open()];
    const arriving = await open();
    // A second tab of the same browser session: it follows the sign-in too.
    await arriving.openTab();
    const automatic = ((await arriving.page.textContent('#me')) ?? '').replace(/^Guest: /, '');
    for (const watcher of watchers) {
      await watcher.page.waitForFunction((name) => Array.from(document.querySelectorAll('#messages > li.notice')).some((item) => item.textContent === `${name} joined`), automatic, { timeout: 20_000 });
    }
    await arriving.register('signedin', 'correct horse battery');
    for (const watcher of watchers) {
      await watcher.page.waitForFunction(() => Array.from(document.querySelectorAll('#online li .name')).some((item) => item.textContent === 'signedin'), undefined, { timeout: 5000 });
    }
    // Past the leave grace (1.5 s) and a few sweeps: nothing else may follow.
    await watchers[0]?.page.waitForTimeout(4000);
    for (const watcher of watchers) {
      const names = await watcher.online();
      assert.ok(!names.includes(automatic), `the guest's entry is gone: ${JSON.stringify(names)}`);
      assert.equal(names.filter((name) => name === 'signedin').length, 1, 'one entry');
      const about = (await watcher.notices()).filter((notice) => notice.startsWith(automatic) || notice.startsWith('signedin'));
      assert.deepEqual(about, [`${automatic} joined`, `${automatic} is now signedin`], 'one line for the sign-in; no leave, no join');
    }
  });
});
