// An admin and a guest in two browsers: reactions both ways (converged after a reload),
// and the admin panel: removing the guest's message, muting, banning, the audit log.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { chromiumSkipReason, launchChromium } from '../helpers/browser.js';
import { grantAdmin } from '../helpers/admin-command.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { ChatPage } from './chat-page.js';

const skip = chromiumSkipReason();
const TIMEOUT = { timeout: 20_000 };

/** The reaction buttons under the message `text`, as the page shows them ("👍 2" and whether pressed). */
function reactionsOf(chat: ChatPage, text: string): Promise<{ label: string; pressed: boolean; who: string }[]> {
  return chat.page.evaluate(
    (wanted) =>
      Array.from(document.querySelectorAll<HTMLLIElement>('#messages > li.message'))
        .filter((item) => item.querySelector('.text')?.textContent === wanted)
        .flatMap((item) => Array.from(item.querySelectorAll<HTMLButtonElement>('.reactions .reaction')))
        .map((button) => ({ label: button.textContent ?? '', pressed: button.getAttribute('aria-pressed') === 'true', who: button.title })),
    text,
  );
}

async function waitForReactions(chat: ChatPage, text: string, expected: { label: string; pressed: boolean }[]): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const shown = (await reactionsOf(chat, text)).map(({ label, pressed }) => ({ label, pressed }));
    if (JSON.stringify(shown) === JSON.stringify(expected)) return;
    if (Date.now() > deadline) throw new Error(`reactions on ${text}: expected ${JSON.stringify(expected)}, shown ${JSON.stringify(shown)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function message(chat: ChatPage, text: string) {
  return chat.page.locator('#messages > li.message').filter({ has: chat.page.locator('.text', { hasText: new RegExp(`^${text}$`) }) });
}

describe('reactions and the admin panel, in two browsers', () => {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  before(async () => {
    if (skip) return;
    [server, browser] = await Promise.all([startServer({ workers: 2 }), launchChromium()]);
  });
  after(async () => {
    await Promise.all([browser?.close(), server?.stop()]);
  });

  test('react and take back, converged after a reload; an admin removes, mutes and bans a guest from the panel', { skip }, async () => {
    const open = async () => (await ChatPage.open(browser as Browser, server?.url ?? '')).chat;
    const boss = await open();
    const vic = await open();
    await boss.register('boss', 'correct horse battery staple');
    await vic.pickNickname('vic');
    // The operator makes boss an admin on the server; the page shows its panel after a reload.
    await grantAdmin(`sqlite:${server?.databaseFile ?? ''}`, 'boss');
    await boss.page.reload();
    await boss.waitForStatus('online');
    await boss.page.waitForSelector('#admin-button:not([hidden])', TIMEOUT);
    assert.equal(await vic.page.isHidden('#admin-button'), true, 'a guest sees no Admin button');

    // Reactions: boss reacts to vic's message, vic sees who and adds the same; a reload converges.
    await vic.send('hello there');
    await boss.waitForDelivered(['hello there']);
    await message(boss, 'hello there').locator('.react-picker summary').click();
    await message(boss, 'hello there').getByRole('button', { name: 'React with 👍' }).click();
    await waitForReactions(vic, 'hello there', [{ label: '👍 1', pressed: false }]);
    assert.equal((await reactionsOf(vic, 'hello there'))[0]?.who, 'boss');
    await message(vic, 'hello there').locator('.reaction').click();
    await waitForReactions(boss, 'hello there', [{ label: '👍 2', pressed: true }]);
    await message(boss, 'hello there').locator('.reaction').click();
    await waitForReactions(vic, 'hello there', [{ label: '👍 1', pressed: true }]);
    await vic.page.reload();
    await vic.waitForStatus('online');
    await waitForReactions(vic, 'hello there', [{ label: '👍 1', pressed: true }]);

    // A moderator removes someone else's message; everyone sees it deleted.
    await vic.send('something rude');
    await boss.waitForDelivered(['something rude']);
    boss.page.once('dialog', (dialog) => void dialog.accept());
    await message(boss, 'something rude').getByRole('button', { name: "Remove vic's message (moderator)" }).click();
    await vic.waitForMessages('the removal reaches vic', (messages) => messages.some((m) => m.deleted && m.text === 'message deleted'));
    assert.equal(await message(vic, 'hello there').getByRole('button', { name: /moderator/ }).count(), 0, 'a guest gets no Remove buttons');

    // The panel: mute vic in general, then ban. (The online list learns a guest's new name
    // on focus: issue 13's second defect, not this test's subject.)
    await boss.page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await boss.page.waitForFunction(() => Array.from(document.querySelectorAll('#online li .name')).some((item) => item.textContent === 'vic'), undefined, TIMEOUT);
    await boss.page.click('#admin-button');
    await boss.page.waitForSelector('#admin-dialog[open] #admin-user', TIMEOUT);
    await boss.page.selectOption('#admin-user', { label: 'vic (guest)' });
    await boss.page.fill('#admin-reason', 'cool down');
    await boss.page.getByRole('button', { name: 'Mute in general', exact: true }).click();
    await boss.page.waitForFunction(() => document.querySelector('#admin-result')?.textContent === 'Mute in general: done.', undefined, TIMEOUT);
    await vic.page.waitForFunction(() => document.querySelector('#alert')?.textContent?.startsWith('You were muted in general by boss: cool down'), undefined, TIMEOUT);
    await vic.send('am I muted?');
    await vic.waitForMessages('the muted message fails', (messages) => messages.some((m) => m.text === 'am I muted?' && m.state === 'failed'));
    assert.match(await boss.page.textContent('#admin-restriction-list') ?? '', /Muted in room \d+: g:.*\(cool down\)/);

    await boss.page.selectOption('#admin-user', { label: 'vic (guest)' });
    await boss.page.fill('#admin-reason', 'enough');
    await boss.page.getByRole('button', { name: 'Ban', exact: true }).click();
    await vic.page.waitForFunction(() => document.querySelector('#status')?.textContent?.includes('You are banned by boss: enough'), undefined, TIMEOUT);
    await vic.page.reload();
    await vic.page.waitForFunction(() => document.querySelector('#status')?.textContent?.includes('banned') && document.querySelector('#status')?.getAttribute('data-state') === 'refused', undefined, TIMEOUT);

    const audit = (await boss.page.textContent('#admin-audit-list')) ?? '';
    for (const action of ['ban', 'mute', 'delete']) assert.match(audit, new RegExp(`boss: ${action} `), `${action} is in the audit log`);
    assert.ok(await boss.page.isVisible('#admin-servers'), 'the deployment table is shown');
    assert.deepEqual([...boss.problems, ...vic.problems], []);
  });
});
