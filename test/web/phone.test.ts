// Issue 13, part 5: at 375 px wide the header stays whole, the sidebar folds away behind a
// button, the composer stays at the bottom, and every action can be reached by touch.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { chromiumSkipReason, launchChromium } from '../helpers/browser.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { ChatPage } from './chat-page.js';

const skip = chromiumSkipReason();
const PHONE = { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true };

interface Box {
  readonly top: number;
  readonly bottom: number;
  readonly left: number;
  readonly right: number;
  readonly width: number;
  readonly height: number;
}

const box = (chat: ChatPage, selector: string): Promise<Box> =>
  chat.page.$eval(selector, (element) => {
    const { top, bottom, left, right, width, height } = element.getBoundingClientRect();
    return { top, bottom, left, right, width, height };
  });

describe('a phone-sized page', () => {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  before(async () => {
    if (skip) return;
    [server, browser] = await Promise.all([startServer({ workers: 2 }), launchChromium()]);
  });
  after(async () => {
    await Promise.all([browser?.close(), server?.stop()]);
  });

  test('375 px: a whole header, a folding sidebar, the composer at the bottom, touch-sized actions', { skip }, async () => {
    const other = (await ChatPage.open(browser as Browser, server?.url ?? '')).chat;
    const phone = (await ChatPage.open(browser as Browser, server?.url ?? '', PHONE)).chat;
    await phone.pickNickname('a-rather-long-guest-nickname');
    await other.pickNickname('other');

    // The header: the name on one line (cut with an ellipsis), the status readable in full.
    const me = await phone.page.$eval('#me', (element) => ({ height: element.getBoundingClientRect().height, lineHeight: parseFloat(getComputedStyle(element).lineHeight) }));
    assert.ok(me.height <= me.lineHeight * 1.5, `the name takes one line (${me.height} px)`);
    const status = await phone.page.$eval('#status', (element) => ({ text: element.textContent, fits: element.scrollWidth <= element.clientWidth + 1, width: element.getBoundingClientRect().width }));
    assert.ok(status.fits && status.width > 200, `the status is whole: ${JSON.stringify(status)}`);
    const wide = await phone.page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLElement>('body *'))
        .filter((element) => element.getBoundingClientRect().right > 376 && element.getClientRects().length > 0)
        .map((element) => `${element.tagName.toLowerCase()}#${element.id}.${element.className}: ${Math.round(element.getBoundingClientRect().right)}`),
    );
    assert.deepEqual(wide, [], 'nothing is wider than the screen');

    // The sidebar is folded; the log and composer have the screen.
    assert.equal(await phone.page.isVisible('#sidebar'), false, 'the sidebar is folded away');
    const log = await box(phone, '#log');
    assert.ok(log.height > 300, `the log has the room (${log.height} px)`);
    const composer = await box(phone, '#input');
    assert.ok(composer.bottom <= 667 && composer.bottom > 667 - 80, `the composer sits at the bottom (${composer.bottom})`);

    // The button opens it over the log; the whole online list is readable; a room choice folds it.
    await phone.page.tap('#sidebar-toggle');
    assert.equal(await phone.page.getAttribute('#sidebar-toggle', 'aria-expanded'), 'true');
    const sidebar = await box(phone, '#sidebar');
    assert.ok(sidebar.width >= 370 && sidebar.height > 400, `the sidebar covers the screen (${JSON.stringify(sidebar)})`);
    await phone.page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await phone.page.waitForFunction(() => Array.from(document.querySelectorAll('#online li .name')).some((name) => name.textContent === 'other'), undefined, { timeout: 20_000 });
    const names = await phone.page.$$eval('#online li .name', (items) => items.map((item) => item.scrollWidth <= item.clientWidth + 1));
    assert.ok(names.every(Boolean), 'no name in the online list is cut');
    await phone.page.tap('#joined-rooms button.room');
    assert.equal(await phone.page.isVisible('#sidebar'), false, 'choosing a room folds the sidebar');

    // Touch: a message's actions are shown without hovering and big enough for a finger.
    await phone.send('from the phone');
    await phone.waitForDelivered(['from the phone']);
    const targets = await phone.page.$$eval('#messages > li.message[data-own] .tools button, #messages > li.message .react-picker summary', (elements) =>
      elements.map((element) => {
        const { width, height } = element.getBoundingClientRect();
        return { width, height, opacity: Number(getComputedStyle(element.closest('.tools, .react-picker') ?? element).opacity) };
      }),
    );
    assert.ok(targets.length >= 3, `edit, delete and react are there (${targets.length})`);
    for (const target of targets) assert.ok(target.width >= 40 && target.height >= 40 && target.opacity === 1, `a touch-sized, visible action: ${JSON.stringify(target)}`);
    await phone.page.locator('#messages > li.message[data-own] .tools button', { hasText: 'Edit' }).tap();
    assert.equal(await phone.page.isVisible('#edit-banner'), true, 'Edit works by touch');
    assert.deepEqual(phone.problems, []);
  });
});
