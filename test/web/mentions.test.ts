// Issue 13, part 2: `@name` completes from the room's members, is stored as a mention of that
// user, highlighted for them, counted apart in the unread badge (also after a reload: the
// server's count), and, while their tab is hidden, raises a browser notification and the
// tab title's count. Three people, three browser contexts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { chromiumSkipReason, launchChromium } from '../helpers/browser.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { ChatPage } from './chat-page.js';

const skip = chromiumSkipReason();
const TIMEOUT = { timeout: 20_000 };

/**
 * Records every Notification the page creates, the real one still shown: the browser's own
 * constructor, subclassed before the page's script runs.
 */
const RECORD_NOTIFICATIONS = `
  window.notified = [];
  const Real = window.Notification;
  window.Notification = class extends Real {
    constructor(title, options) { super(title, options); window.notified.push({ title, body: options && options.body }); }
  };
`;

/**
 * Headless Chromium reports every page visible (minimizing its window changes nothing), so
 * the page is told, the way a browser tells it, that the person looked away or came back.
 */
async function setHidden(page: Page, hidden: boolean): Promise<void> {
  // A string: the test's compiler would name the getters with a helper the page lacks.
  await page.evaluate(`
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => '${hidden ? 'hidden' : 'visible'}' });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => ${String(hidden)} });
    document.dispatchEvent(new Event('visibilitychange'));
  `);
}

const notified = (page: Page) => page.evaluate(() => (window as unknown as { notified: { title: string; body: string }[] }).notified);

/** The sidebar's mention badges by shown room name. */
const mentionBadges = (page: Page) =>
  page.evaluate(() =>
    Object.fromEntries(
      Array.from(document.querySelectorAll('#sidebar button.room'))
        .filter((button) => button.querySelector('.mention-count'))
        .map((button) => [button.querySelector('.name')?.textContent ?? '', button.querySelector('.mention-count')?.textContent ?? '']),
    ),
  );

describe('mentions and notifications', () => {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  before(async () => {
    if (skip) return;
    [server, browser] = await Promise.all([startServer({ workers: 2 }), launchChromium()]);
  });
  after(async () => {
    await Promise.all([browser?.close(), server?.stop()]);
  });

  test('complete, store, highlight, count apart, notify while hidden', { skip }, async () => {
    const url = server?.url ?? '';
    const viewport = { width: 900, height: 600 };
    const alice = (await ChatPage.open(browser as Browser, url, { viewport, permissions: ['notifications'] })).chat;
    await alice.context.addInitScript(RECORD_NOTIFICATIONS);
    await alice.page.reload();
    await alice.waitForStatus('online');
    const bob = (await ChatPage.open(browser as Browser, url)).chat;
    const carol = (await ChatPage.open(browser as Browser, url)).chat;
    await alice.pickNickname('alice');
    await bob.pickNickname('bob');
    await carol.pickNickname('carol');
    assert.equal(await alice.page.isHidden('#enable-notifications'), true, 'permission given: nothing to turn on');
    assert.equal(await carol.page.isVisible('#enable-notifications'), true, 'not asked yet: offered');

    // Completion from the room's members, chosen with the keyboard.
    await bob.page.click('#input');
    await bob.page.keyboard.type('@AL');
    await bob.page.waitForSelector('#mention-choices [role="option"]', TIMEOUT);
    assert.deepEqual(await bob.page.$$eval('#mention-choices [role="option"]', (options) => options.map((option) => option.textContent)), ['alice']);
    await bob.page.keyboard.press('Enter');
    assert.equal(await bob.page.inputValue('#input'), '@alice ', 'Enter took the name, it did not send');
    assert.equal(await bob.page.isHidden('#mention-choices'), true);
    await bob.page.keyboard.type('can you look at the deploy?');
    await bob.page.keyboard.press('Enter');
    await bob.waitForDelivered(['@alice can you look at the deploy?']);

    // Highlighted for alice; marked as a mention, not as hers, for carol.
    const mentionItem = 'li.message:has-text("can you look at the deploy?")';
    await alice.page.waitForSelector(`${mentionItem}[data-mentions-me] .mention.me`, TIMEOUT);
    assert.equal(await alice.page.textContent(`${mentionItem} .mention.me`), '@alice');
    await carol.page.waitForSelector(`${mentionItem} .mention`, TIMEOUT);
    assert.equal(await carol.page.locator(`${mentionItem}[data-mentions-me]`).count(), 0);
    assert.equal(await carol.page.locator(`${mentionItem} .mention.me`).count(), 0);

    // Away in another room: general counts the mention apart from the unread messages.
    await alice.page.waitForTimeout(1000); // what alice saw in general is marked read
    await alice.createRoom('side');
    await bob.send('@alice second thing');
    await bob.send('just chatting');
    await alice.waitForUnread('general counts two unread', (counts) => counts['# general'] === 2);
    assert.deepEqual(await mentionBadges(alice.page), { '# general': '@1' });
    assert.equal(await carol.page.locator('#sidebar .mention-count').count(), 0, 'carol was not mentioned');
    // The server's count, after a reload.
    await alice.page.reload();
    await alice.waitForStatus('online');
    await alice.waitForUnread('general still counts two unread', (counts) => counts['# general'] === 2);
    assert.deepEqual(await mentionBadges(alice.page), { '# general': '@1' });

    // Tab hidden: the title counts, the browser notifies; a direct message counts too.
    await setHidden(alice.page, true);
    const before = (await notified(alice.page)).length;
    await bob.send('@alice are you there?');
    await alice.page.waitForFunction(() => document.title === '(1) Parley', undefined, TIMEOUT);
    await bob.messagePerson('alice');
    await bob.send('privately: ping');
    await alice.page.waitForFunction(() => document.title === '(2) Parley', undefined, TIMEOUT);
    await carol.send('no mention here');
    await alice.page.waitForTimeout(500);
    assert.equal(await alice.page.title(), '(2) Parley', 'a plain message does not call');
    const shown = (await notified(alice.page)).slice(before);
    assert.deepEqual(shown, [
      { title: 'bob mentioned you in # general', body: '@alice are you there?' },
      { title: 'bob wrote to you', body: 'privately: ping' },
    ]);
    await setHidden(alice.page, false);
    assert.equal(await alice.page.title(), 'Parley', 'looked at: the count goes');

    // Read: the badge goes.
    await alice.openRoom('general');
    await alice.page.waitForFunction(() => document.querySelector('#sidebar .mention-count') === null, undefined, TIMEOUT);
    for (const person of [alice, bob, carol]) assert.deepEqual(person.problems, []);
  });
});
