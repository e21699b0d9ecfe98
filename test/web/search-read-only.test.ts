// Issue 25, defect 5: a click on a search hit in a room one had left joined it again and
// told everyone "joined". A hit in a public room this page does not follow opens it to be
// read only: the message found, its history, no message box, nobody told; joining is a
// choice (the Join button), and only then does the room follow live and say "joined".
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { quietFor } from '../helpers/waits.js';
import { chatWorld } from './world.js';

const TIMEOUT = { timeout: 20_000 };

describe('a search hit in a room one has left', () => {
  const world = chatWorld();

  test('opens read-only, joins nothing, tells nobody; Join joins', { skip: world.skip }, async () => {
    const [owner, reader] = [await world.open(), await world.open()];
    await owner.pickNickname('owner');
    await reader.pickNickname('reader');
    await owner.createRoom('quiet-corner');
    await owner.send('the findable kiwi');
    for (let index = 0; index < 5; index++) await owner.send(`after the kiwi ${index}`);
    await owner.waitForDelivered(['after the kiwi 4']);

    await reader.page.waitForSelector('#other-rooms button[aria-label="Join quiet-corner"]', TIMEOUT);
    await reader.joinRoom('quiet-corner');
    await reader.page.click('#leave-room');
    await reader.waitForText('#room-title', '# general');
    await owner.page.waitForFunction(() => Array.from(document.querySelectorAll('#messages > li.notice')).some((item) => item.textContent === 'reader left'), undefined, TIMEOUT);
    const noticesBefore = await owner.notices();

    await reader.page.fill('#search-query', 'kiwi');
    await reader.page.press('#search-query', 'Enter');
    await reader.page.locator('#search-results .search-hit', { hasText: 'the findable kiwi' }).click(TIMEOUT);
    await reader.waitForText('#room-title', '# quiet-corner');
    await reader.page.waitForSelector('#messages > li[data-found]', TIMEOUT);
    assert.equal(await reader.page.textContent('#messages > li[data-found] .text'), 'the findable kiwi');
    assert.equal('# quiet-corner' in (await reader.unreadCounts()), false, 'not among the rooms followed');
    await quietFor(2000, 'a "joined" notice that must not come');
    assert.deepEqual(await owner.notices(), noticesBefore, 'nobody is told anything');
    const screen = await reader.page.evaluate(() => ({
      preview: document.querySelector('#room-preview')?.hasAttribute('hidden') === false,
      leave: !(document.querySelector('#leave-room') as HTMLElement).hidden,
      inputDisabled: (document.querySelector('#input') as HTMLInputElement).disabled,
      placeholder: (document.querySelector('#input') as HTMLInputElement).placeholder,
    }));
    assert.deepEqual(screen, { preview: true, leave: false, inputDisabled: true, placeholder: 'Join # quiet-corner to write here' });

    // Joining is the person's choice: then the room is followed, live, and says so.
    await reader.page.click('#join-room');
    await owner.page.waitForFunction(() => Array.from(document.querySelectorAll('#messages > li.notice')).filter((item) => item.textContent === 'reader joined').length === 2, undefined, TIMEOUT);
    assert.equal(await reader.page.isDisabled('#input'), false, 'the box takes messages once joined');
    assert.equal(await reader.page.isHidden('#room-preview'), true);
    await reader.waitForUnread('quiet-corner followed', (counts) => '# quiet-corner' in counts);
    await owner.send('live after the join');
    await reader.waitForDelivered(['live after the join', 'after the kiwi 4', 'the findable kiwi']);
    await reader.send('reader is back');
    await owner.waitForDelivered(['reader is back']);
    assert.deepEqual([...owner.problems, ...reader.problems], []);
  });
});
