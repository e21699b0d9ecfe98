// Issue 22, item 1, the page's side: a deleted message shows as "message deleted" and its
// text is nowhere, neither on screen, nor in what the page keeps for a reload, nor in
// anything the server sends the page afterwards (a reload, or a page that never saw it).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { chromiumSkipReason, launchChromium } from '../helpers/browser.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { newBrowser, Tab } from '../rooms/room-client.js';
import { ChatPage } from './chat-page.js';

const skip = chromiumSkipReason();

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

describe('the page shows a deleted message as deleted and keeps none of its text', () => {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  before(async () => {
    if (skip) return;
    [server, browser] = await Promise.all([startServer({ workers: 2 }), launchChromium()]);
  });
  after(async () => {
    await Promise.all([browser?.close(), server?.stop()]);
  });

  test('seen live, after a reload, and by a page that never saw it', { skip }, async (t) => {
    const url = server?.url ?? '';
    const author = await Tab.open(url, { browser: newBrowser() });
    t.after(() => author.close());
    const general = (await author.must('room:list', {})).find((room) => room.name === 'general');
    assert.ok(general);
    await author.must('room:join', { roomId: general.id });

    const { chat: reader } = await ChatPage.open(browser as Browser, url);
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
    const context = await (browser as Browser).newContext({ viewport: { width: 900, height: 600 } });
    t.after(() => context.close());
    const page = await context.newPage();
    const freshFrames: string[] = [];
    page.on('websocket', (socket) => socket.on('framereceived', (frame) => freshFrames.push(String(frame.payload))));
    await page.goto(url);
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
