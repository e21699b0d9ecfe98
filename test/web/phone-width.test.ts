// Issue 25, defect 1: a phone 375 px wide. Nothing is wider than the screen (the page was
// 440 px: the identity button's label ran out of its box), the "Who are you?" dialog fits,
// and a message row is as tall as its text (each had a line for its actions and one for an
// empty reactions bar: about four messages fitted on the screen). A tap shows the actions.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ChatPage } from './chat-page.js';
import { chatWorld } from './world.js';

const WIDTH = 375;
const HEIGHT = 667;
const PHONE = { viewport: { width: WIDTH, height: HEIGHT }, isMobile: true, hasTouch: true };
const NARROW_WINDOW = { viewport: { width: WIDTH, height: HEIGHT } };

/** What on the page reaches past the screen's right edge, or runs out of its own box. */
function overflow(chat: ChatPage): Promise<{ pageWidth: number; viewportWidth: number; past: string[]; spilling: string[] }> {
  return chat.page.evaluate((width) => {
    // No named functions in here: tsx would wrap them in a helper the page lacks.
    const shown = Array.from(document.querySelectorAll<HTMLElement>('body *')).filter((element) => element.getClientRects().length > 0);
    return {
      pageWidth: document.documentElement.scrollWidth,
      viewportWidth: window.innerWidth,
      past: shown.filter((element) => element.getBoundingClientRect().right > width + 0.5).map((element) => `${element.tagName.toLowerCase()}#${element.id}.${element.className}: ${Math.round(element.getBoundingClientRect().right)}`),
      spilling: shown.filter((element) => element instanceof HTMLButtonElement && element.scrollWidth > element.clientWidth + 1).map((element) => `${element.tagName.toLowerCase()}#${element.id} "${element.textContent}"`),
    };
  }, WIDTH);
}

describe('the page on a phone 375 px wide', () => {
  const world = chatWorld();

  for (const [device, options] of [['a phone', PHONE], ['a narrow window', NARROW_WINDOW]] as const) {
    test(`${device}: nothing wider than the screen, the identity dialog fits, a row as tall as its text`, { skip: world.skip }, async () => {
      const other = await world.open();
      const phone = await world.open(options);
      await other.pickNickname(`reactor-${device.length}`);
      const texts = Array.from({ length: 8 }, (_, index) => `${device} line ${index}`);
      for (const text of texts) await phone.send(text);
      await Promise.all([phone.waitForDelivered(texts), other.waitForDelivered(texts)]);
      // One message with a reaction: its reactions take a line, the others take none.
      await other.page.locator('#messages > li.message', { hasText: texts[1] }).hover();
      await other.page.locator('#messages > li.message', { hasText: texts[1] }).locator('.react-picker summary').click();
      await other.page.locator('#messages > li.message', { hasText: texts[1] }).getByRole('button', { name: 'React with 👍' }).click();
      await phone.page.waitForSelector(`#messages > li.message:has(.reaction)`, { timeout: 20_000 });

      const wide = await overflow(phone);
      assert.deepEqual(wide, { pageWidth: WIDTH, viewportWidth: WIDTH, past: [], spilling: [] }, 'nothing wider than the screen, no label cut');
      const label = await phone.page.$eval('#identity-button', (button) => button.textContent);
      assert.equal(label, 'Sign in or change name');

      const rows = await phone.page.$$eval('#messages > li.message', (items) =>
        items.map((item) => ({
          text: item.querySelector('.text')?.textContent ?? '',
          row: item.getBoundingClientRect().height,
          line: item.querySelector('.text')?.getBoundingClientRect().height ?? 0,
          day: item.dataset.day !== undefined,
          grouped: item.dataset.grouped !== undefined,
          reactions: item.querySelector('.reactions') !== null,
          receipts: item.querySelector('.seen-by') !== null,
        })),
      );
      // A group's first message names its author, which may take a line of its own; the rest
      // of the group is one line each (no day line, no reactions, no "Seen by" line: the other
      // person's read receipt sits under the last message they read).
      const plain = rows.filter((row) => texts.includes(row.text) && row.grouped && !row.day && !row.reactions && !row.receipts);
      assert.ok(plain.length >= 5, `plain rows measured: ${JSON.stringify(rows)}`);
      // The row's padding is 0.4rem top and bottom: 13 px, and nothing else.
      for (const row of plain) assert.ok(row.row <= row.line + 14, `a row as tall as its one line of text: ${JSON.stringify(row)}`);
      const fitting = Math.floor((await phone.page.$eval('#log', (log) => log.clientHeight)) / Math.max(...plain.map((row) => row.row)));
      assert.ok(fitting >= 10, `${fitting} messages fit on the screen`);

      // A tap on a message shows its actions, touch-sized on a phone; Edit works.
      const mine = phone.page.locator('#messages > li.message', { hasText: texts[7] });
      await (device === 'a phone' ? mine.locator('.text').tap({ position: { x: 4, y: 4 } }) : mine.locator('.text').click({ position: { x: 4, y: 4 } }));
      const edit = mine.getByRole('button', { name: /^Edit message/ });
      const shown = await mine.locator('.toolbar').evaluate((bar) => Number(getComputedStyle(bar).opacity));
      assert.equal(shown, 1, 'the tapped message shows its actions');
      if (device === 'a phone') {
        const size = await edit.boundingBox();
        assert.ok(size && size.width >= 40 && size.height >= 40, `a finger-sized Edit: ${JSON.stringify(size)}`);
        await edit.tap();
      } else await edit.click();
      assert.equal(await phone.page.isVisible('#edit-banner'), true, 'Edit works');
      await phone.page.click('#edit-cancel');

      // The identity dialog: whole on the screen, nothing in it cut.
      await phone.page.click('#identity-button');
      const dialog = await phone.page.$eval('#identity-dialog', (element) => {
        const { left, right, top, bottom } = element.getBoundingClientRect();
        // Shown controls only: a hidden one (the single sign-on button when none is set up) has no box.
        const shown = Array.from(element.querySelectorAll<HTMLElement>('input, button')).filter((control) => control.getClientRects().length > 0);
        const inside = shown.map((control) => control.getBoundingClientRect()).every((box) => box.left >= left && box.right <= right);
        return { left, right, top, bottom, inside, scrollWidth: element.scrollWidth, clientWidth: element.clientWidth };
      });
      assert.ok(dialog.left >= 0 && dialog.right <= WIDTH && dialog.top >= 0 && dialog.bottom <= HEIGHT, `the dialog is on the screen: ${JSON.stringify(dialog)}`);
      assert.ok(dialog.inside && dialog.scrollWidth <= dialog.clientWidth, `nothing in the dialog is cut: ${JSON.stringify(dialog)}`);
      assert.deepEqual((await overflow(phone)).past, [], 'with the dialog open too');

      // Signed in: "Sign out" and the name still fit.
      await phone.page.keyboard.press('Escape');
      await phone.register(`phone${device.length}`, 'correct horse battery');
      assert.deepEqual(await overflow(phone), { pageWidth: WIDTH, viewportWidth: WIDTH, past: [], spilling: [] }, 'signed in, nothing wider than the screen');
      assert.deepEqual([...phone.problems, ...other.problems], []);
    });
  }
});
