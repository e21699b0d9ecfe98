// Issue 13, defect 4: a public room someone creates appears in everyone's "Browse rooms" at
// once, without waiting for the 30 s refresh or a focus event.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { chromiumSkipReason, launchChromium } from '../helpers/browser.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { ChatPage } from './chat-page.js';

const skip = chromiumSkipReason();

describe('new rooms are pushed', () => {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  before(async () => {
    if (skip) return;
    [server, browser] = await Promise.all([startServer({ workers: 2 }), launchChromium()]);
  });
  after(async () => {
    await Promise.all([browser?.close(), server?.stop()]);
  });

  test("a room created in one browser is listed in another's within moments, on either worker", { skip }, async () => {
    const open = async () => (await ChatPage.open(browser as Browser, server?.url ?? '')).chat;
    const [creator, others] = [await open(), [await open(), await open()]];
    const name = `fresh-${randomUUID().slice(0, 6)}`;
    for (const other of others) await other.page.waitForSelector('#other-rooms', { state: 'attached' });
    const started = Date.now();
    await creator.createRoom(name);
    for (const other of others) {
      await other.page.waitForSelector(`#other-rooms button[aria-label="Join ${name}"]`, { timeout: 5000 });
    }
    const took = Date.now() - started;
    assert.ok(took < 5000, `listed after ${took} ms, not at the 30 s refresh`);
    assert.deepEqual([...creator.problems, ...others.flatMap((o) => o.problems)], []);
  });
});
