// Issue 26, items 6 and 7 on the page: a signed-in person changes their password and
// downloads their data from the account menu; an admin issues a reset link from the panel
// (shown once, with Copy), and the page the link opens sets the new password and signs in,
// at desktop width and at 375 px; the admin panel's exports.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import type { Download, Page } from 'playwright-core';
import { grantAdmin } from '../helpers/admin-command.js';
import type { ChatPage } from './chat-page.js';
import { chatWorld } from './world.js';

const TIMEOUT = { timeout: 20_000 };
const PASSWORD = 'correct horse battery staple';
const PHONE = { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true };

/** A fresh name: the world's server is shared by the file's tests. */
const fresh = (prefix: string): string => `${prefix}${randomUUID().slice(0, 6)}`;

async function downloaded(page: Page, click: () => Promise<void>): Promise<string> {
  const [download] = (await Promise.all([page.waitForEvent('download', TIMEOUT), click()])) as [Download, void];
  const file = await download.path();
  return readFile(file, 'utf8');
}

async function seesOnline(chat: ChatPage, name: string): Promise<void> {
  await chat.page.evaluate(() => window.dispatchEvent(new Event('focus')));
  await chat.page.waitForFunction((wanted) => Array.from(document.querySelectorAll('#online li .name')).some((item) => item.textContent === wanted), name, TIMEOUT);
}

/** The page's width holds the page: nothing sticks out at 375 px. */
async function fitsWidth(page: Page): Promise<void> {
  const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  assert.ok(widths.scroll <= widths.client, `the page is ${widths.scroll}px wide in ${widths.client}px`);
}

describe('the account menu, reset links and exports on the page', () => {
  const world = chatWorld({ workers: 1 });

  for (const width of ['desktop', '375 px'] as const) {
    test(`${width}: change password (clear refusals, then done) and download my data`, { skip: world.skip }, async () => {
      const chat = await world.open(width === '375 px' ? PHONE : undefined);
      const name = fresh('pat');
      await chat.register(name, PASSWORD);
      await chat.send('my own words');
      await chat.waitForDelivered(['my own words']);
      const other = await world.tab();
      await other.must('account:register', { username: fresh('oli'), password: PASSWORD });
      await other.must('room:join', { roomId: 1 });
      await other.send(1, 'words of someone else');

      await chat.page.click('#account-button');
      await chat.page.waitForSelector('#account-dialog[open]', TIMEOUT);
      if (width === '375 px') await fitsWidth(chat.page);
      await chat.page.fill('#current-password', 'not my password');
      await chat.page.fill('#new-password', 'a brand new secret');
      await chat.page.click('#password-form button[type="submit"]');
      await chat.waitForText('#account-error', 'The current password is wrong.');
      await chat.page.fill('#current-password', PASSWORD);
      await chat.page.fill('#new-password', 'short');
      await chat.page.click('#password-form button[type="submit"]');
      await chat.waitForText('#account-error', 'The new password must be at least 8 characters.');
      await chat.page.fill('#new-password', 'a brand new secret');
      await chat.page.click('#password-form button[type="submit"]');
      await chat.waitForText('#account-status', 'Password changed.');
      assert.equal(await chat.page.textContent('#account-error'), '', 'the refusal is gone');
      const login = await (await world.tab()).call('account:login', { username: name, password: 'a brand new secret' });
      assert.equal(login.ok, true, 'the new password signs in');
      const old = await (await world.tab()).call('account:login', { username: name, password: PASSWORD });
      assert.equal(old.ok, false, 'the old one does not');

      const exported = JSON.parse(await downloaded(chat.page, () => chat.page.click('#export-me'))) as { account: { username: string }; messages: { text: string }[] };
      assert.equal(exported.account.username, name);
      // The cookie the download used speaks for a page of this origin only, never for another site's.
      const cookie = (await chat.context.cookies(world.url)).map((entry) => `${entry.name}=${entry.value}`).join('; ');
      const own = await fetch(`${world.url}/export/me`, { headers: { cookie } });
      assert.equal(own.status, 200, 'the cookie alone, as a download link sends it');
      await own.body?.cancel();
      const evil = await fetch(`${world.url}/export/me`, { headers: { cookie, origin: 'https://evil.example' } });
      assert.equal(evil.status, 401, "another site's page cannot spend the cookie");
      assert.deepEqual(
        exported.messages.map((message) => message.text),
        ['my own words'],
      );
      assert.deepEqual(chat.problems, []);
    });
  }

  test('an admin issues a reset link on a person (shown once, Copy); the link opens the reset page, desktop and 375 px, and signs in', { skip: world.skip }, async () => {
    const boss = await world.open();
    const bossName = fresh('boss');
    await boss.register(bossName, PASSWORD);
    await grantAdmin(`sqlite:${world.server.databaseFile}`, bossName);
    await boss.page.reload();
    await boss.waitForStatus('online');
    await boss.page.waitForSelector('#admin-button:not([hidden])', TIMEOUT);

    const links: string[] = [];
    for (const width of ['desktop', '375 px'] as const) {
      const forgetful = await world.open();
      const name = fresh('amy');
      await forgetful.register(name, PASSWORD);
      await seesOnline(boss, name);
      await boss.page.click('#admin-button');
      await boss.page.waitForSelector('#admin-dialog[open] #admin-user', TIMEOUT);
      await boss.page.selectOption('#admin-user', { label: `${name} (account)` });
      await boss.page.getByRole('button', { name: 'Issue reset link', exact: true }).first().click();
      await boss.page.waitForSelector('#admin-secret', TIMEOUT);
      const link = (await boss.page.textContent('#admin-secret')) ?? '';
      assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/#reset=[A-Za-z0-9_-]{16,}$/);
      assert.ok(!links.includes(link));
      links.push(link);
      await boss.page.click('#admin-secret-copy');
      await boss.page.waitForFunction(() => /Copied|Selected/.test(document.querySelector('#admin-secret-copy')?.textContent ?? ''), undefined, TIMEOUT);
      await boss.page.keyboard.press('Escape');

      // The person, in a browser of their own, opens the link: a fresh load on a phone, a pasted link on the desktop.
      const reader = width === '375 px' ? await world.open(PHONE) : await world.open();
      if (width === '375 px') await reader.page.goto(link);
      else await reader.page.evaluate((hash) => (location.hash = hash), new URL(link).hash);
      await reader.page.waitForSelector('#reset-dialog[open]', TIMEOUT);
      if (width === '375 px') await fitsWidth(reader.page);
      await reader.page.fill('#reset-password', 'fresh start 123');
      await reader.page.fill('#reset-again', 'fresh start 124');
      await reader.page.click('#reset-form button[type="submit"]');
      await reader.waitForText('#reset-error', 'The two passwords differ.');
      await reader.page.fill('#reset-again', 'fresh start 123');
      await reader.page.click('#reset-form button[type="submit"]');
      await reader.waitForText('#me', `Signed in as ${name}`);
      await reader.page.waitForFunction(() => document.querySelector<HTMLDialogElement>('#reset-dialog')?.open === false, undefined, TIMEOUT);
      assert.equal(new URL(reader.page.url()).hash, '', 'the spent token is out of the address');

      // Used once: the same link again is refused, clearly.
      const again = await world.open();
      await again.page.goto(link);
      await again.page.waitForSelector('#reset-dialog[open]', TIMEOUT);
      await again.page.fill('#reset-password', 'another try 999');
      await again.page.fill('#reset-again', 'another try 999');
      await again.page.click('#reset-form button[type="submit"]');
      await again.waitForText('#reset-error', 'This reset link is unknown, used or expired: ask an admin for a new one.');
      assert.deepEqual([...reader.problems, ...again.problems], []);
    }
  });

  test("the admin panel's exports: the room on screen and everything, as downloads", { skip: world.skip }, async () => {
    const boss = await world.open();
    const bossName = fresh('exp');
    await boss.register(bossName, PASSWORD);
    await grantAdmin(`sqlite:${world.server.databaseFile}`, bossName);
    await boss.page.reload();
    await boss.waitForStatus('online');
    const room = fresh('kept');
    await boss.createRoom(room);
    await boss.send('for the record');
    await boss.waitForDelivered(['for the record']);
    await boss.page.waitForSelector('#admin-button:not([hidden])', TIMEOUT);
    await boss.page.click('#admin-button');
    await boss.page.waitForSelector('#admin-dialog[open] #admin-export-room', TIMEOUT);
    assert.equal(await boss.page.textContent('#admin-export-room'), `Export ${room}`);
    const roomLines = (await downloaded(boss.page, () => boss.page.click('#admin-export-room'))).trim().split('\n').map((line) => JSON.parse(line) as { type: string; text: string });
    assert.deepEqual(roomLines.map((line) => [line.type, line.text]), [['event', 'for the record']]);
    const everything = await downloaded(boss.page, () => boss.page.click('#admin-export-all'));
    assert.ok(everything.split('\n').some((line) => line.includes(`"username":"${bossName}"`)), 'the full export lists the accounts');
    assert.deepEqual(boss.problems, []);
  });
});
