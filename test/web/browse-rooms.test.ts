// Browsing the room directory from the page: a search by name prefix, a page at a time,
// rooms shown as text, and joining one of them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChatPage } from './chat-page.js';
import { chatWorld } from './world.js';

const TIMEOUT_MS = 20_000;

/** The names the directory list shows, top to bottom. */
const listed = (chat: ChatPage): Promise<string[]> =>
  chat.page.evaluate(() => Array.from(document.querySelectorAll('#other-rooms li .name'), (name) => name.textContent ?? ''));

describe('browsing rooms on the page', () => {
  // One user makes the 50+ rooms the page browses: lift the cap on room creation for it.
  const limits = JSON.stringify({ 'room-create.user': { points: 1000, seconds: 600 }, 'room-create.address': { points: 1000, seconds: 600 } });
  const world = chatWorld({ workers: 2, env: { PARLEY_LIMITS: limits } });

  test('a search lists matching rooms a page at a time, as text; Join opens one and takes it off the list', { skip: world.skip }, async () => {
    // Rooms made by someone else, straight over the protocol.
    const maker = await world.tab();
    const names = Array.from({ length: 55 }, (_, index) => `Many-${String(index).padStart(2, '0')}`);
    for (const name of [...names, '<b>not bold</b>', 'other']) await maker.must('room:create', { name });
    maker.close();

    const chat = await world.open();
    try {
      await chat.page.fill('#browse-query', 'many-');
      await chat.page.waitForFunction(() => document.querySelectorAll('#other-rooms li').length === 50, undefined, { timeout: TIMEOUT_MS });
      assert.deepEqual(await listed(chat), names.slice(0, 50).map((name) => `# ${name}`), 'the first page, in name order');
      await chat.page.click('#browse-more');
      await chat.page.waitForFunction(() => document.querySelectorAll('#other-rooms li').length === 55, undefined, { timeout: TIMEOUT_MS });
      assert.equal(await chat.page.isHidden('#browse-more'), true, 'no more pages');

      await chat.page.fill('#browse-query', '<B>');
      await chat.page.waitForFunction(() => document.querySelectorAll('#other-rooms li').length === 1, undefined, { timeout: TIMEOUT_MS });
      assert.deepEqual(await listed(chat), ['# <b>not bold</b>'], 'a name is text, never markup');
      assert.equal(await chat.page.locator('#other-rooms b').count(), 0);

      await chat.page.fill('#browse-query', 'MANY-07');
      await chat.page.waitForFunction(() => document.querySelectorAll('#other-rooms li').length === 1, undefined, { timeout: TIMEOUT_MS });
      await chat.page.click('#other-rooms button[aria-label="Join Many-07"]', { timeout: TIMEOUT_MS });
      await chat.waitForText('#room-title', '# Many-07');
      await chat.page.waitForFunction(() => document.querySelectorAll('#other-rooms li').length === 0, undefined, { timeout: TIMEOUT_MS });
      await chat.page.waitForFunction(
        () => Array.from(document.querySelectorAll('#joined-rooms .name')).some((name) => name.textContent === '# Many-07'),
        undefined,
        { timeout: TIMEOUT_MS },
      );
      assert.deepEqual(chat.problems, []);
    } finally {
      await chat.close();
    }
  });
});
