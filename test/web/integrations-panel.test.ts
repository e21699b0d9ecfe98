// Issue 26, items 1 and 2 on the page: an admin makes a bot and an incoming webhook in the
// admin panel, is shown the token and the URL once, and their messages appear marked as a
// bot's; a bot revoked from the panel is listed as revoked.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { grantAdmin } from '../helpers/admin-command.js';
import { chatWorld } from './world.js';

const TIMEOUT = { timeout: 20_000 };

describe('bots and webhooks in the admin panel', () => {
  const world = chatWorld({ workers: 1 });

  test('an admin makes a bot and a webhook, sees each secret once, and their messages are marked as a bot', { skip: world.skip }, async () => {
    const boss = await world.open();
    await boss.register('hookboss', 'correct horse battery staple');
    await grantAdmin(`sqlite:${world.server.databaseFile}`, 'hookboss');
    await boss.page.reload();
    await boss.waitForStatus('online');
    await boss.page.waitForSelector('#admin-button:not([hidden])', TIMEOUT);

    await boss.page.click('#admin-button');
    await boss.page.waitForSelector('#admin-dialog[open] #admin-bot-name', TIMEOUT);
    assert.notEqual(await boss.page.inputValue('#admin-bot-rooms'), '', 'the room on screen is offered');
    await boss.page.fill('#admin-bot-name', 'buildbot');
    await boss.page.click('form[aria-label="New bot"] button[type="submit"]');
    await boss.page.waitForSelector('#admin-secret', TIMEOUT);
    const token = (await boss.page.textContent('#admin-secret')) ?? '';
    assert.match(token, /^pbot_/);
    assert.match((await boss.page.textContent('#admin-bot-list')) ?? '', /buildbot \(b:\d+\), rooms \d+/);

    const roomId = Number(await boss.page.inputValue('#admin-webhook-room'));
    const sent = await fetch(`${world.url}/api/bot/send`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ roomId, text: 'build 12 is green' }),
    });
    assert.equal(sent.status, 200, await sent.clone().text());

    await boss.page.fill('#admin-webhook-name', 'alerts');
    await boss.page.click('form[aria-label="New incoming webhook"] button[type="submit"]');
    await boss.page.waitForFunction(() => document.querySelector('#admin-secret')?.textContent?.includes('/hooks/'), undefined, TIMEOUT);
    const hookUrl = (await boss.page.textContent('#admin-secret')) ?? '';
    assert.ok(hookUrl.startsWith(world.url), `a URL to paste: ${hookUrl}`);
    const delivered = await fetch(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'disk 91% full' }) });
    assert.equal(delivered.status, 200);

    await boss.page.getByRole('button', { name: 'Revoke buildbot' }).click();
    await boss.page.waitForFunction(() => /buildbot .*revoked/.test(document.querySelector('#admin-bot-list')?.textContent ?? ''), undefined, TIMEOUT);
    await boss.page.keyboard.press('Escape');

    await boss.waitForMessages('both messages shown', (messages) => ['build 12 is green', 'disk 91% full'].every((text) => messages.some((m) => m.text === text)));
    const badges = await boss.page.$$eval('#messages > li.message[data-bot] ', (items) => items.map((item) => `${item.querySelector('.author')?.textContent}|${item.querySelector('.bot-badge')?.textContent}`));
    assert.deepEqual(badges, ['buildbot|bot', 'alerts|bot']);
    assert.deepEqual(boss.problems, []);
  });
});
