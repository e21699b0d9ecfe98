// Issue 25, item 1: threads in the web page. A reply is shown in its thread, beside the room
// (over it on a phone), and under its root as a count with the repliers and the last reply's
// time; the root's author follows the thread and sees it counted in "Threads".
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ChatPage } from './chat-page.js';
import { chatWorld } from './world.js';

// Not `isMobile`: Chromium's mobile layout viewport widens to the widest element of the whole
// page, whose phone defects another change fixes (issue 25, "page defects" 1); the thread's
// own width is what this test holds to the screen.
const PHONE = { viewport: { width: 375, height: 667 }, hasTouch: true };

const messageItem = (chat: ChatPage, text: string) => chat.page.locator('#messages > li.message', { hasText: text });

async function box(chat: ChatPage, selector: string): Promise<{ left: number; right: number; width: number; height: number }> {
  return chat.page.$eval(selector, (element) => {
    const { left, right, width, height } = element.getBoundingClientRect();
    return { left, right, width, height };
  });
}

describe('threads in the page', () => {
  const world = chatWorld();

  test('a reply opens beside the room, is counted under its root for everyone, and its thread counts as unread in Threads', { skip: world.skip }, async () => {
    const [ann, ben] = [await world.open(), await world.open()];
    await ann.pickNickname('ann');
    await ben.pickNickname('ben');
    await ann.send('t1 shall we ship on Friday?');
    await ben.waitForDelivered(['t1 shall we ship on Friday?']);

    await messageItem(ben, 't1 shall').locator('.reply-button').click();
    await ben.page.waitForSelector('#thread-panel:not([hidden]) #thread-root .text');
    assert.equal(await ben.page.textContent('#thread-root .text'), 't1 shall we ship on Friday?');
    const [panel, log] = [await box(ben, '#thread-panel'), await box(ben, '#log')];
    assert.ok(panel.left >= log.right - 1 && panel.width > 250, `the thread is beside the room (${JSON.stringify({ panel, log })})`);
    await ben.page.fill('#thread-input', 't1 reply: **yes**');
    await ben.page.press('#thread-input', 'Enter');
    await ben.page.waitForFunction(() => document.querySelector('#thread-replies .text strong')?.textContent === 'yes', undefined, { timeout: 10_000 });

    // Ann's room: the root with one reply by ben, the reply itself only in the thread.
    const summary = messageItem(ann, 't1 shall').locator('.thread-summary');
    await summary.waitFor({ timeout: 10_000 });
    assert.match((await summary.textContent()) ?? '', /^1 reply · ben · last \d\d:\d\d/);
    assert.equal(await messageItem(ann, 't1 reply').count(), 0, 'the reply is not a message of the room’s log');
    // Ann wrote the root: she follows the thread, one unread reply.
    await ann.page.waitForFunction(() => document.querySelector('#threads-unread:not([hidden])')?.textContent === '1', undefined, { timeout: 10_000 });

    await summary.click();
    await ann.page.waitForFunction(() => document.querySelector('#thread-replies li .author')?.textContent === 'ben', undefined, { timeout: 10_000 });
    await ann.page.waitForFunction(() => document.querySelector('#threads-unread')?.hasAttribute('hidden'), undefined, { timeout: 10_000 });
    await ann.page.fill('#thread-input', 't1 second reply from ann');
    await ann.page.press('#thread-input', 'Enter');
    await ben.page.waitForFunction(() => Array.from(document.querySelectorAll('#thread-replies li .text')).some((text) => text.textContent === 't1 second reply from ann'), undefined, { timeout: 10_000 });
    await ben.page.waitForFunction(
      () => /^2 replies · ann, ben/.test(Array.from(document.querySelectorAll('#messages .thread-summary')).at(-1)?.textContent ?? ''),
      undefined,
      { timeout: 10_000 },
    );

    // Also to the room: the reply shows in both logs too, marked as in a thread, and in the thread.
    await ann.page.check('#thread-also-to-room');
    await ann.page.fill('#thread-input', 't1 third, for the room too');
    await ann.page.press('#thread-input', 'Enter');
    for (const chat of [ann, ben]) {
      await messageItem(chat, 't1 third, for the room too').waitFor({ timeout: 10_000 });
      assert.ok((await messageItem(chat, 't1 third, for the room too').getAttribute('data-in-thread')) !== null, 'marked as a reply in a thread');
    }
    await ben.page.waitForFunction(() => Array.from(document.querySelectorAll('#thread-replies li .text')).some((text) => text.textContent === 't1 third, for the room too'), undefined, { timeout: 10_000 });
    assert.equal(await ann.page.isChecked('#thread-also-to-room'), false, 'the choice is for one reply');

    // The Threads view lists the thread with its counts.
    await ben.page.click('#thread-close');
    await ben.page.click('#threads-button');
    await ben.page.waitForSelector('#thread-list .followed-thread');
    assert.match((await ben.page.textContent('#thread-list .followed-thread')) ?? '', /# general · ann.*t1 shall we ship on Friday\?.*3 replies/);

    // A search finds a reply; its hit opens the thread beside its root.
    await ben.page.click('#thread-close');
    await ben.page.fill('#search-query', 'second reply from');
    await ben.page.press('#search-query', 'Enter');
    await ben.page.waitForSelector('#search-results .search-hit', { timeout: 10_000 });
    await ben.page.click('#search-results .search-hit');
    await ben.page.waitForFunction(() => document.querySelector('#thread-panel:not([hidden]) #thread-root .text')?.textContent === 't1 shall we ship on Friday?', undefined, { timeout: 10_000 });
  });

  test('375 px: the thread opens over the room, nothing is wider than the screen, and Close brings the room back', { skip: world.skip }, async () => {
    const [ann, phone] = [await world.open(), await world.open(PHONE)];
    await ann.pickNickname('ann2');
    await phone.pickNickname('phone');
    await ann.send('t2 a question for the phone');
    await phone.waitForDelivered(['t2 a question for the phone']);
    // On a phone a message's actions (Reply among them) show once the message is tapped.
    await messageItem(phone, 't2 a question').locator('.text').tap({ position: { x: 4, y: 4 } });
    await messageItem(phone, 't2 a question').locator('.reply-button').tap();
    await phone.page.waitForSelector('#thread-panel:not([hidden]) #thread-root .text');
    const panel = await box(phone, '#thread-panel');
    assert.ok(panel.left === 0 && panel.width >= 370 && panel.height > 600, `the thread covers the screen (${JSON.stringify(panel)})`);
    await phone.page.fill('#thread-input', 't2 answered from a phone');
    await phone.page.press('#thread-input', 'Enter');
    await phone.page.waitForFunction(() => document.querySelector('#thread-replies li .text')?.textContent === 't2 answered from a phone', undefined, { timeout: 10_000 });
    const wide = await phone.page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLElement>('body *'))
        .filter((element) => element.getBoundingClientRect().right > 376 && element.getClientRects().length > 0)
        .map((element) => `${element.tagName.toLowerCase()}#${element.id}.${element.className}: ${Math.round(element.getBoundingClientRect().right)}`),
    );
    assert.deepEqual(wide, [], 'nothing is wider than the screen');
    const input = await box(phone, '#thread-input');
    assert.ok(input.right <= 375 && input.height > 0, 'the reply box is on screen');
    await phone.page.tap('#thread-close');
    assert.equal(await phone.page.isVisible('#thread-panel'), false);
    assert.equal(await phone.page.isVisible('#log'), true, 'the room is back');
    await messageItem(ann, 't2 a question').locator('.thread-summary').waitFor({ timeout: 10_000 });
  });
});
