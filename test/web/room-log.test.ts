// What the log of a room shows, one server and one browser for all of it.
// Issue 13, part 3: each message shows its time (the full date on hover), a day line, one
// author's consecutive messages grouped, and web addresses as safe links; nothing from a
// user ever becomes markup.
// Issue 13, defect 1: the log follows the bottom through a burst while the reader is there,
// always shows the reader's own sends, and otherwise offers "Jump to latest (n new)".
// Issue 13 (smaller defects): the room being read never flashes an unread badge; other rooms
// still count what arrives in them. Deleting one's own message can be undone for a few
// seconds; only then does the deletion reach anyone else.
// Issue 22, item 1, the page's side: a deleted message shows as "message deleted" and its
// text is nowhere, neither on screen, nor in what the page keeps for a reload, nor in
// anything the server sends the page afterwards (a reload, or a page that never saw it).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { UNDO_MS } from '../../web/rooms/undo-delete.js';
import { ChatPage } from './chat-page.js';
import { chatWorld } from './world.js';
import { letTimePass, quietFor } from '../helpers/waits.js';

/** How far the log is from its bottom, in pixels. */
const fromBottom = (chat: ChatPage): Promise<number> => chat.page.$eval('#log', (log) => log.scrollHeight - log.scrollTop - log.clientHeight);

/** Every WebSocket frame the page receives from now on, as text. */
function recordFrames(chat: ChatPage): string[] {
  const frames: string[] = [];
  chat.page.on('websocket', (socket) => socket.on('framereceived', (frame) => frames.push(String(frame.payload))));
  return frames;
}

/** What the page holds of `text`: in its document, in its storage (the snapshot kept for a reload). */
async function traces(chat: ChatPage, text: string): Promise<string[]> {
  return chat.page.evaluate(
    (wanted) => [
      ...(document.documentElement.outerHTML.includes(wanted) ? ['the document'] : []),
      ...(Object.keys(localStorage).some((key) => localStorage.getItem(key)?.includes(wanted)) ? ['localStorage'] : []),
      ...(Object.keys(sessionStorage).some((key) => sessionStorage.getItem(key)?.includes(wanted)) ? ['sessionStorage'] : []),
    ],
    text,
  );
}

describe('the log of a room', () => {
  const world = chatWorld();

  describe('times, links and groups', () => {
    test('times with full dates, a day line, groups by author, links that open safely, no markup', { skip: world.skip }, async () => {
      const [ann, ben] = [await world.open(), await world.open()];
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

  describe('the log follows the bottom', () => {
    test('a burst of 150 keeps the reader at the bottom; reading above, new ones wait behind a button; own sends always show', { skip: world.skip }, async () => {
      const reader = await world.open();
      const writer = await world.tab();
      const general = (await writer.must('room:list', {})).find((room) => room.name === 'general');
      assert.ok(general);
      await writer.must('room:join', { roomId: general.id });
      await reader.waitForText('#room-title', '# general');

      await Promise.all(Array.from({ length: 150 }, (_, i) => writer.send(general.id, `burst ${i}`)));
      await reader.waitForMessages('the burst arrives', (messages) => messages.some((m) => m.text === 'burst 149'));
      await letTimePass(300, 'the scroll settles after the burst');
      assert.ok((await fromBottom(reader)) < 48, `at the bottom after the burst (${await fromBottom(reader)} px from it)`);
      assert.equal(await reader.page.isHidden('#jump-latest'), true);

      // The reader scrolls up to read: five more arrive, the log stays put, the button counts them.
      await reader.page.$eval('#log', (log) => (log.scrollTop = 0));
      await letTimePass(200, 'the scroll up settles');
      for (let i = 0; i < 5; i++) await writer.send(general.id, `later ${i}`);
      await reader.waitForMessages('the later ones arrive', (messages) => messages.some((m) => m.text === 'later 4'));
      await reader.page.waitForFunction(() => document.querySelector('#jump-latest')?.textContent === 'Jump to latest (5 new)', undefined, { timeout: 10_000 });
      assert.ok((await reader.page.$eval('#log', (log) => log.scrollTop)) < 100, 'the reader is left where they read');

      // Their own message always shows, at the bottom.
      await reader.send('my own reply');
      await reader.waitForDelivered(['my own reply']);
      await letTimePass(200, 'the scroll to the own message settles');
      assert.ok((await fromBottom(reader)) < 48, 'sending takes the reader to the bottom');
      assert.equal(await reader.page.isHidden('#jump-latest'), true);

      // Up again, one more, then the button takes them down.
      await reader.page.$eval('#log', (log) => (log.scrollTop = 0));
      await letTimePass(200, 'the scroll up settles');
      await writer.send(general.id, 'one more');
      await reader.page.waitForSelector('#jump-latest:not([hidden])', { timeout: 10_000 });
      await reader.page.click('#jump-latest');
      await letTimePass(200, 'the jump to the latest settles');
      assert.ok((await fromBottom(reader)) < 48, 'the button goes to the latest');
      assert.deepEqual(reader.problems, []);
    });
  });

  describe('unread badges', () => {
    test('messages in the room on screen never show a badge, not even for a frame; another room counts them', { skip: world.skip }, async () => {
      const reader = await world.open();
      const writer = await world.tab();
      const general = (await writer.must('room:list', {})).find((room) => room.name === 'general');
      assert.ok(general);
      await writer.must('room:join', { roomId: general.id });
      const side = await writer.must('room:create', { name: `side-${randomUUID().slice(0, 6)}` });
      await reader.joinRoom(side.name);
      await reader.openRoom('general');

      // Every badge that ever appears on general's button while the reader looks at general.
      await reader.page.evaluate(() => {
        const seen: string[] = [];
        (window as unknown as { badges: string[] }).badges = seen;
        new MutationObserver(() => {
          for (const button of Array.from(document.querySelectorAll('#joined-rooms button.room'))) {
            if (button.querySelector('.name')?.textContent === '# general' && button.querySelector('.unread')) seen.push(button.querySelector('.unread')?.textContent ?? '');
          }
        }).observe(document.getElementById('joined-rooms') as HTMLElement, { childList: true, subtree: true, characterData: true });
      });
      for (let i = 0; i < 10; i++) await writer.send(general.id, `while reading ${i}`);
      for (let i = 0; i < 3; i++) await writer.send(side.id, `elsewhere ${i}`);
      await reader.waitForDelivered(['while reading 9']);
      await reader.waitForUnread('the side room counts 3', (counts) => counts[`# ${side.name}`] === 3);
      await quietFor(800, 'a badge on the room being read');
      assert.deepEqual(await reader.page.evaluate(() => (window as unknown as { badges: string[] }).badges), [], 'no badge ever showed on the room being read');
    });
  });

  describe('undo a deletion', () => {
    test('undone: nobody ever sees it deleted; not undone: deleted for everyone once the time is up', { skip: world.skip }, async () => {
      const [writer, reader] = [await world.open(), await world.open()];
      await writer.send('keep me after all');
      await writer.send('really delete me');
      await reader.waitForDelivered(['keep me after all', 'really delete me']);

      await writer.delete('keep me after all');
      await writer.page.waitForSelector('#undo-delete:not([hidden])');
      assert.equal(await writer.page.locator('#messages > li[data-deleting]').count(), 1, 'shown as deleted at once');
      await writer.undoDelete();
      assert.equal(await writer.page.isHidden('#undo-delete'), true);
      assert.equal(await writer.page.locator('#messages > li[data-deleting]').count(), 0);

      await writer.delete('really delete me');
      const deletedAt = Date.now();
      await reader.waitForMessages('the deletion reached the reader', (messages) => messages.some((message) => message.deleted));
      assert.ok(Date.now() - deletedAt >= UNDO_MS - 200, 'not before the time to undo it');
      await quietFor(UNDO_MS + 500, 'the undone deletion sent after all');
      for (const person of [writer, reader]) {
        const texts = (await person.messages()).map((message) => message.text);
        assert.ok(texts.includes('keep me after all'), `the undone one stays: ${JSON.stringify(texts)}`);
        assert.ok(!texts.includes('really delete me') && texts.includes('message deleted'));
      }
    });

    test('a deletion waiting to be sent is not lost when the page is left', { skip: world.skip }, async () => {
      const [writer, reader] = [await world.open(), await world.open()];
      await writer.send('gone even if I reload');
      await reader.waitForDelivered(['gone even if I reload']);
      await writer.delete('gone even if I reload');
      await writer.page.reload();
      await reader.waitForMessages('the deletion reached the reader', (messages) => messages.some((message) => message.deleted));
    });
  });

  describe('the page shows a deleted message as deleted and keeps none of its text', () => {
    test('seen live, after a reload, and by a page that never saw it', { skip: world.skip }, async (t) => {
      const author = await world.tab();
      const general = (await author.must('room:list', {})).find((room) => room.name === 'general');
      assert.ok(general);
      await author.must('room:join', { roomId: general.id });

      const reader = await world.open();
      const secret = `my password is hunter2-${randomUUID().slice(0, 8)}`;
      const sent = await author.send(general.id, secret);
      await reader.waitForDelivered([secret]);

      // Deleted while the page shows it: the tombstone replaces it, and what the page keeps for a reload forgets it.
      await author.must('message:delete', { roomId: general.id, target: sent.serverOffset, clientId: randomUUID() });
      const marker = `after the deletion ${randomUUID().slice(0, 8)}`;
      await author.send(general.id, marker);
      await reader.waitForDelivered([marker]);
      const shown = await reader.waitForMessages('the tombstone', (messages) =>
        messages.some((message) => message.offset === sent.serverOffset && message.deleted === true && message.text === 'message deleted'),
      );
      assert.ok(!shown.some((message) => message.text === secret));
      await reader.page.waitForFunction((wanted) => localStorage.getItem('parley.snapshot')?.includes(wanted) === true, marker, { timeout: 20_000 });
      assert.deepEqual(await traces(reader, secret), [], 'the page holds the text nowhere');

      // A reload: the page is caught up again, and nothing the server sends holds the text.
      const reloadFrames = recordFrames(reader);
      await reader.page.reload();
      await reader.waitForStatus('online');
      await reader.waitForMessages('the tombstone after a reload', (messages) =>
        messages.some((message) => message.offset === sent.serverOffset && message.deleted === true && message.text === 'message deleted'),
      );
      assert.ok(reloadFrames.length > 0, 'frames were recorded');
      assert.deepEqual(reloadFrames.filter((frame) => frame.includes(secret)), [], 'no frame after the reload carries the text');
      assert.deepEqual(await traces(reader, secret), []);

      // A page that never saw it: the tombstone, from the first frame on.
      const context = await world.browser.newContext({ viewport: { width: 900, height: 600 } });
      t.after(() => context.close());
      const page = await context.newPage();
      const freshFrames: string[] = [];
      page.on('websocket', (socket) => socket.on('framereceived', (frame) => freshFrames.push(String(frame.payload))));
      await page.goto(world.url);
      await page.waitForFunction(
        (offset) => {
          const item = document.querySelector<HTMLLIElement>(`#messages > li.message[data-offset="${offset}"]`);
          return item?.dataset.deleted === 'true' && item.querySelector('.text')?.textContent === 'message deleted';
        },
        sent.serverOffset,
        { timeout: 20_000 },
      );
      assert.deepEqual(freshFrames.filter((frame) => frame.includes(secret)), [], 'no frame to a new page carries the text');
      assert.equal(await page.evaluate((wanted) => document.documentElement.outerHTML.includes(wanted), secret), false);
      assert.deepEqual(reader.problems, []);
    });
  });
});
