// Issue 26, item 4 on the page: typing `/` offers the commands with their usage, Tab or Enter
// completes one, `/me` and `/shrug` are sent and shown, a registered command's ephemeral answer
// is shown to the caller alone, marked so; at desktop width and on a phone 375 px wide.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { grantAdmin } from '../helpers/admin-command.js';
import { Receiver } from '../integrations/receiver.js';
import { adminApi } from '../moderation/moderation-client.js';
import type { ChatPage } from './chat-page.js';
import { chatWorld } from './world.js';

/** The shrug as the page shows it (stored with Markdown escapes). */
const SHRUG = '¯\\_(ツ)_/¯';
const TOKEN = 'slash-commands-web-admin-token-0123456789';
const TIMEOUT = { timeout: 20_000 };
const DESKTOP = { viewport: { width: 1100, height: 700 } };
const PHONE = { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true };

/** The options the command list shows, as `/name usage`. */
const offered = (chat: ChatPage): Promise<string[]> =>
  chat.page.$$eval('#command-choices [role="option"] .command-name', (names) => names.map((name) => name.textContent ?? ''));

describe('slash commands on the page', () => {
  const world = chatWorld({ workers: 1, env: { PARLEY_ADMIN_TOKENS: TOKEN, PARLEY_WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8' } });
  let receiver: Receiver;
  before(async () => {
    if (world.skip) return;
    receiver = await Receiver.start();
    receiver.answer = (body) => ({ status: 200, body: JSON.stringify({ text: `forecast for ${String(body['text'])}: sunny`, response_type: 'ephemeral' }) });
    const created = await adminApi(world.url, TOKEN, 'POST', 'command-create', { name: 'weather', url: receiver.url, usage: '[city]', description: 'the forecast' });
    assert.equal(created.status, 200, JSON.stringify(created.body));
  });
  after(async () => {
    await receiver?.stop();
  });

  for (const [width, options] of [
    ['desktop', DESKTOP],
    ['a phone 375 px wide', PHONE],
  ] as const) {
    test(`at ${width}: / offers the commands, Tab and Enter complete them, /me and /shrug are shown, an ephemeral answer is for the caller only`, { skip: world.skip }, async () => {
      const word = `w${Math.random().toString(36).slice(2, 8)}`;
      const chat = await world.open(options);
      const other = await world.open(DESKTOP);

      await chat.page.fill('#input', '');
      await chat.page.type('#input', '/');
      await chat.page.waitForSelector('#command-choices:not([hidden])', TIMEOUT);
      const all = await offered(chat);
      for (const usage of ['/me <action>', '/shrug [text]', '/topic <text>', '/invite @name', '/leave', '/mute @name [minutes]', '/kick @name', '/ban @name [reason]', '/weather [city]']) {
        assert.ok(all.includes(usage), `${usage} is offered, among ${JSON.stringify(all)}`);
      }
      await chat.page.type('#input', 'm');
      await chat.page.waitForFunction(() => document.querySelector('#command-choices [aria-selected="true"]')?.getAttribute('data-command') === 'me', undefined, TIMEOUT);
      await chat.page.press('#input', 'Tab');
      assert.equal(await chat.page.inputValue('#input'), '/me ', 'Tab completes the command');
      assert.equal(await chat.page.isHidden('#command-choices'), true);
      await chat.page.type('#input', `waves ${word}`);
      await chat.page.press('#input', 'Enter');
      const shown = await chat.waitForMessages('the action is shown', (messages) => messages.some((m) => m.own && m.text.endsWith(`waves ${word}`)));
      const mine = shown.find((m) => m.own && m.text.endsWith(`waves ${word}`));
      assert.ok(mine?.author, 'shown with its author');
      assert.equal(mine.text, `* ${mine.author} waves ${word}`);
      await other.waitForMessages('the other person sees the action', (messages) => messages.some((m) => m.text === `* ${mine.author} waves ${word}`));

      await chat.page.type('#input', '/shr');
      await chat.page.waitForFunction(() => document.querySelector('#command-choices [aria-selected="true"]')?.getAttribute('data-command') === 'shrug', undefined, TIMEOUT);
      await chat.page.press('#input', 'Enter');
      assert.equal(await chat.page.inputValue('#input'), '/shrug ', 'Enter takes the command rather than sending');
      await chat.page.type('#input', `who knows ${word}`);
      await chat.page.press('#input', 'Enter');
      await chat.waitForMessages('the shrug is shown', (messages) => messages.some((m) => m.text === `who knows ${word} ${SHRUG}`));
      await other.waitForMessages('the other person sees the shrug', (messages) => messages.some((m) => m.text === `who knows ${word} ${SHRUG}`));

      await chat.send(`/topic Plans for ${word}`);
      for (const page of [chat, other]) await page.waitForText('#room-topic', `Plans for ${word}`);

      await chat.send(`//not a command ${word}`);
      await chat.waitForDelivered([`/not a command ${word}`]);

      await chat.send(`/weather Lisbon ${word}`);
      const ephemeral = chat.page.locator('#messages > li.ephemeral', { hasText: `forecast for Lisbon ${word}: sunny` });
      await ephemeral.waitFor(TIMEOUT);
      assert.match((await ephemeral.textContent()) ?? '', /only you can see this/);
      const box = await ephemeral.boundingBox();
      assert.ok(box && box.x + box.width <= (options.viewport.width + 0.5), 'the answer fits the screen');

      await chat.send('/frobnicate');
      await chat.page.waitForFunction(() => /unknown command \/frobnicate/.test(document.querySelector('#alert')?.textContent ?? ''), undefined, TIMEOUT);
      assert.equal(await chat.page.inputValue('#input'), '/frobnicate', 'the refused command is back in the box, to be corrected');
      await chat.page.fill('#input', '');
      await other.page.waitForTimeout(300);
      assert.equal(await other.page.locator('#messages li', { hasText: `forecast for Lisbon ${word}` }).count(), 0, 'the other person never sees the ephemeral answer');
      assert.equal(await other.page.locator('#messages li', { hasText: 'frobnicate' }).count(), 0, 'an unknown command sends nothing');
      assert.deepEqual(chat.problems, []);
    });
  }

  test("a thread's reply box completes commands too: /shrug is a reply in the thread, /topic acts on the room", { skip: world.skip }, async () => {
    const word = `w${Math.random().toString(36).slice(2, 8)}`;
    const chat = await world.open(DESKTOP);
    const other = await world.open(DESKTOP);
    await chat.send(`root of ${word}`);
    await other.waitForDelivered([`root of ${word}`]);
    await chat.page.locator('#messages > li.message', { hasText: `root of ${word}` }).locator('.reply-button').click();
    await chat.page.waitForSelector('#thread-panel:not([hidden]) #thread-root .text', TIMEOUT);

    await chat.page.type('#thread-input', '/');
    await chat.page.waitForSelector('#thread-command-choices:not([hidden])', TIMEOUT);
    const inThread = await chat.page.$$eval('#thread-command-choices [role="option"] .command-name', (names) => names.map((name) => name.textContent ?? ''));
    for (const usage of ['/me <action>', '/shrug [text]', '/topic <text>']) assert.ok(inThread.includes(usage), `${usage} is offered in the thread, among ${JSON.stringify(inThread)}`);
    assert.equal(await chat.page.isHidden('#command-choices'), true, "the room's list stays closed");
    await chat.page.type('#thread-input', 'shr');
    await chat.page.waitForFunction(() => document.querySelector('#thread-command-choices [aria-selected="true"]')?.getAttribute('data-command') === 'shrug', undefined, TIMEOUT);
    await chat.page.press('#thread-input', 'Tab');
    assert.equal(await chat.page.inputValue('#thread-input'), '/shrug ', 'Tab completes the command in the thread box');
    assert.equal(await chat.page.isHidden('#thread-command-choices'), true);
    await chat.page.type('#thread-input', `in the thread ${word}`);
    await chat.page.press('#thread-input', 'Enter');
    const shrug = `in the thread ${word} ${SHRUG}`;
    await chat.page.locator('#thread-replies li .text', { hasText: shrug }).waitFor(TIMEOUT);
    assert.equal(await chat.page.inputValue('#thread-input'), '', 'sent: the box is empty');

    // The other person sees it as a reply of the root, not as a message of the room.
    const summary = other.page.locator('#messages > li.message', { hasText: `root of ${word}` }).locator('.thread-summary');
    await summary.waitFor(TIMEOUT);
    assert.match((await summary.textContent()) ?? '', /^1 reply · /);
    await summary.click();
    await other.page.locator('#thread-replies li .text', { hasText: shrug }).waitFor(TIMEOUT);
    for (const page of [chat, other]) assert.equal(await page.page.locator('#messages > li.message', { hasText: `in the thread ${word}` }).count(), 0, 'not in the room’s log');

    await chat.page.fill('#thread-input', `/topic Thread-set ${word}`);
    await chat.page.press('#thread-input', 'Enter');
    for (const page of [chat, other]) await page.waitForText('#room-topic', `Thread-set ${word}`);
    assert.deepEqual(chat.problems, []);
  });

  test('the admin panel lists the registered commands, registers one (its secret shown once) and deletes one', { skip: world.skip }, async () => {
    const boss = await world.open(DESKTOP);
    await boss.register('cmdboss', 'correct horse battery staple');
    await grantAdmin(`sqlite:${world.server.databaseFile}`, 'cmdboss');
    await boss.page.reload();
    await boss.waitForStatus('online');
    await boss.page.waitForSelector('#admin-button:not([hidden])', TIMEOUT);
    await boss.page.click('#admin-button');
    await boss.page.waitForSelector('#admin-dialog[open] #admin-command-list', TIMEOUT);
    assert.match((await boss.page.textContent('#admin-command-list')) ?? '', /\/weather \[city\] → http:\/\/127\.0\.0\.1:\d+\/hook \(the forecast\)/);

    await boss.page.fill('#admin-command-name', 'standup');
    await boss.page.fill('#admin-command-url', 'https://bots.example.com/standup');
    await boss.page.fill('#admin-command-usage', '[team]');
    await boss.page.click('form[aria-label="New slash command"] button[type="submit"]');
    await boss.page.waitForSelector('#admin-secret', TIMEOUT);
    assert.match((await boss.page.textContent('#admin-secret')) ?? '', /^[A-Za-z0-9_-]{32}$/);
    await boss.page.waitForFunction(() => /\/standup \[team\]/.test(document.querySelector('#admin-command-list')?.textContent ?? ''), undefined, TIMEOUT);

    await boss.page.getByRole('button', { name: 'Delete /standup' }).click();
    await boss.page.waitForFunction(() => !/\/standup/.test(document.querySelector('#admin-command-list')?.textContent ?? ''), undefined, TIMEOUT);
    assert.deepEqual(boss.problems, []);
  });
});
