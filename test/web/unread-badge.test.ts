// Issue 13 (smaller defects): the room being read never flashes an unread badge; other rooms
// still count what arrives in them.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { chromiumSkipReason, launchChromium } from '../helpers/browser.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { newBrowser, Tab } from '../rooms/room-client.js';
import { ChatPage } from './chat-page.js';

const skip = chromiumSkipReason();

describe('unread badges', () => {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  before(async () => {
    if (skip) return;
    [server, browser] = await Promise.all([startServer({ workers: 2 }), launchChromium()]);
  });
  after(async () => {
    await Promise.all([browser?.close(), server?.stop()]);
  });

  test('messages in the room on screen never show a badge, not even for a frame; another room counts them', { skip }, async () => {
    const url = server?.url ?? '';
    const reader = (await ChatPage.open(browser as Browser, url)).chat;
    const writer = await Tab.open(url, { browser: newBrowser() });
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
    await reader.page.waitForTimeout(800);
    assert.deepEqual(await reader.page.evaluate(() => (window as unknown as { badges: string[] }).badges), [], 'no badge ever showed on the room being read');
    writer.close();
  });
});
