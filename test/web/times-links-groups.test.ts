// Issue 13, part 3: each message shows its time (the full date on hover), a day line, one
// author's consecutive messages grouped, and web addresses as safe links; nothing from a
// user ever becomes markup.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { chromiumSkipReason, launchChromium } from '../helpers/browser.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { ChatPage } from './chat-page.js';

const skip = chromiumSkipReason();

describe('times, links and groups', () => {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  before(async () => {
    if (skip) return;
    [server, browser] = await Promise.all([startServer({ workers: 2 }), launchChromium()]);
  });
  after(async () => {
    await Promise.all([browser?.close(), server?.stop()]);
  });

  test('times with full dates, a day line, groups by author, links that open safely, no markup', { skip }, async () => {
    const open = async () => (await ChatPage.open(browser as Browser, server?.url ?? '')).chat;
    const [ann, ben] = [await open(), await open()];
    await ann.pickNickname('ann');
    await ben.pickNickname('ben');
    const linked = 'see https://example.com/a?b=1&c=2, then say.';
    const tags = 'and <b>bold</b> <img src=x onerror=alert(1)> javascript:alert(1)';
    const texts = [linked, tags];
    for (const text of texts) await ann.send(text);
    await ben.send('mine');
    await ann.waitForDelivered(['mine']);
    await ann.send('ann again');
    for (const chat of [ann, ben]) await chat.waitForDelivered([...texts, 'mine', 'ann again']);

    const shown = await ben.page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLLIElement>('#messages > li.message'), (item) => ({
        text: item.querySelector('.text')?.textContent ?? '',
        time: item.querySelector('time')?.textContent ?? '',
        full: item.querySelector('time')?.title ?? '',
        iso: item.querySelector('time')?.dateTime ?? '',
        day: item.dataset.day ?? null,
        grouped: item.dataset.grouped === 'true',
        links: Array.from(item.querySelectorAll<HTMLAnchorElement>('.text a'), (a) => ({ href: a.href, text: a.textContent, rel: a.rel, target: a.target })),
        markup: item.querySelectorAll('.text b, .text img, .text script').length,
      })),
    );
    const byText = (text: string) => shown.find((m) => m.text === text);
    assert.equal(shown.filter((m) => m.day !== null).length >= 1, true, 'a day line above the first message of the day');
    assert.match(shown[0]?.day ?? '', /\d{4}/, 'the day line names the date');
    for (const message of shown) {
      assert.match(message.time, /^\d{1,2}[:.]\d{2}/, `a time on ${message.text}`);
      assert.ok(message.full.length > message.time.length && Math.abs(Date.parse(message.iso) - Date.now()) < 120_000, 'the full date on hover, the server time in datetime');
    }
    assert.deepEqual(byText(linked)?.links, [{ href: 'https://example.com/a?b=1&c=2', text: 'https://example.com/a?b=1&c=2', rel: 'noopener noreferrer', target: '_blank' }]);
    assert.deepEqual(byText(tags)?.links, [], 'javascript: is never a link');
    assert.equal(byText(tags)?.markup, 0, 'tags in a message stay text');
    assert.equal(byText(tags)?.grouped, true, "ann's second message continues her group");
    assert.equal(byText('mine')?.grouped, false, 'another author starts a group');
    assert.equal(byText('ann again')?.grouped, false, 'and ann after ben starts a new one');
    assert.deepEqual([...ann.problems, ...ben.problems], []);
  });
});
