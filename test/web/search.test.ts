// Search in the page: a message far back in a room's history is found, its words marked,
// and a click opens it in the room, older history loaded until it is there.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { chromiumSkipReason, launchChromium } from '../helpers/browser.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { newBrowser, Tab } from '../rooms/room-client.js';
import { ChatPage } from './chat-page.js';

const skip = chromiumSkipReason();
const TIMEOUT = { timeout: 20_000 };

describe('search in the page', () => {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  before(async () => {
    if (skip) return;
    [server, browser] = await Promise.all([startServer({ workers: 2 }), launchChromium()]);
  });
  after(async () => {
    await Promise.all([browser?.close(), server?.stop()]);
  });

  test('a hit 150 messages back: shown with its words marked; a click opens it in its room; a direct room of others is never found', { skip }, async () => {
    const url = server?.url ?? '';
    const word = `aardvark${randomUUID().slice(0, 4)}`;
    const writer = await Tab.open(url, { browser: newBrowser() });
    const other = await Tab.open(url, { browser: newBrowser() });
    const room = await writer.must('room:create', { name: `zoo-${randomUUID().slice(0, 6)}` });
    const hit = await writer.send(room.id, `Where is the ${word}? Behind the fence.`);
    for (let i = 0; i < 150; i++) await writer.send(room.id, `filler ${i}`);
    const dm = await writer.must('dm:open', { userId: (await other.whoAmI()).id });
    await writer.send(dm.id, `secret ${word} plans`);

    const reader = (await ChatPage.open(browser as Browser, url)).chat;
    await reader.page.fill('#search-query', `${word.slice(0, 6).toUpperCase()}`);
    await reader.page.press('#search-query', 'Enter');
    await reader.page.waitForSelector('#search-results .search-hit', TIMEOUT);
    const hits = await reader.page.$$eval('#search-results .search-hit', (buttons) =>
      buttons.map((button) => ({ text: button.querySelector('.hit-text')?.textContent, marked: Array.from(button.querySelectorAll('mark'), (mark) => mark.textContent), where: button.querySelector('.where')?.textContent })),
    );
    assert.equal(hits.length, 1, `one hit, never the direct room of two others: ${JSON.stringify(hits)}`);
    assert.equal(hits[0]?.text, `Where is the ${word}? Behind the fence.`);
    assert.deepEqual(hits[0]?.marked, [word.slice(0, 6)], 'the start of the word found is marked, as written');
    assert.match(hits[0]?.where ?? '', new RegExp(`^# ${room.name} · `));
    assert.equal(await reader.page.locator('#search-results mark').evaluate((mark) => mark.parentElement?.innerHTML.includes('<script')), false);

    await reader.page.click('#search-results .search-hit');
    await reader.waitForText('#room-title', `# ${room.name}`);
    await reader.page.waitForSelector(`#messages > li[data-offset="${hit.serverOffset}"][data-found]`, TIMEOUT);
    // Polled for a moment: the scroll settles over a frame or two on a busy machine.
    const visible = await reader.page
      .waitForFunction(
        (selector) => {
          const box = document.querySelector(selector)?.getBoundingClientRect();
          const log = document.getElementById('log')?.getBoundingClientRect();
          return box !== undefined && log !== undefined && box.top >= log.top && box.bottom <= log.bottom;
        },
        `#messages > li[data-offset="${hit.serverOffset}"]`,
        { timeout: 2_000 },
      )
      .then(() => true, () => false);
    assert.ok(visible, 'the message is scrolled into view');
    assert.deepEqual(reader.problems, []);
    writer.close();
    other.close();
  });
});
