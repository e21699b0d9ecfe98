// Issue 13, defect 1: the log follows the bottom through a burst while the reader is there,
// always shows the reader's own sends, and otherwise offers "Jump to latest (n new)".
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { chromiumSkipReason, launchChromium } from '../helpers/browser.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { newBrowser, Tab } from '../rooms/room-client.js';
import { ChatPage } from './chat-page.js';

const skip = chromiumSkipReason();

/** How far the log is from its bottom, in pixels. */
const fromBottom = (chat: ChatPage): Promise<number> => chat.page.$eval('#log', (log) => log.scrollHeight - log.scrollTop - log.clientHeight);

describe('the log follows the bottom', () => {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  before(async () => {
    if (skip) return;
    [server, browser] = await Promise.all([startServer({ workers: 2 }), launchChromium()]);
  });
  after(async () => {
    await Promise.all([browser?.close(), server?.stop()]);
  });

  test('a burst of 150 keeps the reader at the bottom; reading above, new ones wait behind a button; own sends always show', { skip }, async () => {
    const url = server?.url ?? '';
    const reader = (await ChatPage.open(browser as Browser, url)).chat;
    const writer = await Tab.open(url, { browser: newBrowser() });
    const general = (await writer.must('room:list', {})).find((room) => room.name === 'general');
    assert.ok(general);
    await writer.must('room:join', { roomId: general.id });
    await reader.waitForText('#room-title', '# general');

    await Promise.all(Array.from({ length: 150 }, (_, i) => writer.send(general.id, `burst ${i}`)));
    await reader.waitForMessages('the burst arrives', (messages) => messages.some((m) => m.text === 'burst 149'));
    await reader.page.waitForTimeout(300);
    assert.ok((await fromBottom(reader)) < 48, `at the bottom after the burst (${await fromBottom(reader)} px from it)`);
    assert.equal(await reader.page.isHidden('#jump-latest'), true);

    // The reader scrolls up to read: five more arrive, the log stays put, the button counts them.
    await reader.page.$eval('#log', (log) => (log.scrollTop = 0));
    await reader.page.waitForTimeout(200);
    for (let i = 0; i < 5; i++) await writer.send(general.id, `later ${i}`);
    await reader.waitForMessages('the later ones arrive', (messages) => messages.some((m) => m.text === 'later 4'));
    await reader.page.waitForFunction(() => document.querySelector('#jump-latest')?.textContent === 'Jump to latest (5 new)', undefined, { timeout: 10_000 });
    assert.ok((await reader.page.$eval('#log', (log) => log.scrollTop)) < 100, 'the reader is left where they read');

    // Their own message always shows, at the bottom.
    await reader.send('my own reply');
    await reader.waitForDelivered(['my own reply']);
    await reader.page.waitForTimeout(200);
    assert.ok((await fromBottom(reader)) < 48, 'sending takes the reader to the bottom');
    assert.equal(await reader.page.isHidden('#jump-latest'), true);

    // Up again, one more, then the button takes them down.
    await reader.page.$eval('#log', (log) => (log.scrollTop = 0));
    await reader.page.waitForTimeout(200);
    await writer.send(general.id, 'one more');
    await reader.page.waitForSelector('#jump-latest:not([hidden])', { timeout: 10_000 });
    await reader.page.click('#jump-latest');
    await reader.page.waitForTimeout(200);
    assert.ok((await fromBottom(reader)) < 48, 'the button goes to the latest');
    assert.deepEqual(reader.problems, []);
    writer.close();
  });
});
