// Issue 25, item 3, the page's side: in a direct room each message shows who has read up to
// it ("Seen by ben"), live; a person who turns receipts off shows no one how far they read
// and sees no one's. Phone width included.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ChatPage } from './chat-page.js';
import { chatWorld } from './world.js';
import { quietFor } from '../helpers/waits.js';

/** The "Seen by …" lines of the room on screen, by the text of the message each is under. */
function seenBy(chat: ChatPage): Promise<Record<string, string>> {
  return chat.page.evaluate(() =>
    Object.fromEntries(
      Array.from(document.querySelectorAll('#messages > li.message'))
        .filter((item) => item.querySelector('.seen-by'))
        .map((item) => [item.querySelector('.text')?.textContent ?? '', item.querySelector('.seen-by')?.textContent ?? '']),
    ),
  );
}

async function waitForSeenBy(chat: ChatPage, expected: Record<string, string>): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const shown = await seenBy(chat);
    if (JSON.stringify(shown) === JSON.stringify(expected)) return;
    if (Date.now() > deadline) assert.deepEqual(shown, expected, 'the receipts shown');
    await quietFor(50, 'receipts');
  }
}

describe('read receipts on the page', () => {
  const world = chatWorld();

  test('"Seen by" moves live as the other reads; turned off, one shows nothing and sees nothing', { skip: world.skip }, async () => {
    const ann = await world.open();
    const ben = await world.open({ viewport: { width: 375, height: 700 } });
    await ann.pickNickname('ann');
    await ben.pickNickname('ben');
    await ann.messagePerson('ben');
    await ann.send('first for ben');
    await ann.waitForDelivered(['first for ben']);
    await waitForSeenBy(ann, {});

    // On a phone the sidebar folds away: the room is opened from it.
    await ben.page.click('#sidebar-toggle');
    await ben.openRoom('ann', 'direct');
    await ben.waitForDelivered(['first for ben']);
    await waitForSeenBy(ann, { 'first for ben': 'Seen by ben' });
    const width = await ben.page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 375, `the page is ${width} px wide on a 375 px screen`);

    await ann.send('second for ben');
    await waitForSeenBy(ann, { 'second for ben': 'Seen by ben' });
    await ben.send('ben answers');
    await waitForSeenBy(ben, { 'ben answers': 'Seen by ann' });

    // Ben turns receipts off: ann no longer sees how far he reads, and ben sees nothing.
    await ben.page.click('#sidebar-toggle');
    await ben.page.uncheck('#send-receipts');
    await waitForSeenBy(ben, {});
    await ben.page.click('#sidebar-toggle');
    await ann.send('third for ben');
    await ben.waitForDelivered(['third for ben']);
    await quietFor(500, 'a receipt of ben');
    assert.deepEqual(await seenBy(ann), { 'second for ben': 'Seen by ben' }, "ben's receipt stays where it was");
    await ann.send('fourth for ben');
    await ben.waitForDelivered(['fourth for ben']);
    await quietFor(500, "a receipt of ann's");
    await waitForSeenBy(ben, {});
    assert.equal(await ben.page.isChecked('#send-receipts'), false);

    // A reload keeps the choice: it is the server's.
    await ben.page.reload();
    await ben.waitForDelivered(['fourth for ben']);
    await quietFor(300, 'receipts after the reload');
    await waitForSeenBy(ben, {});
    assert.equal(await ben.page.isChecked('#send-receipts'), false, 'still off after a reload');
  });
});
