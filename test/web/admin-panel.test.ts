// Issue 25, defect 6: the admin panel showed raw ids ("g:Htfe…", "room 1") in bans, mutes
// and the audit log, cut its deployment table off, jumped back to the first person after
// each action, showed a new moderator's Admin button only after a reload, and a mute's
// refusal said a raw ISO time.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { grantAdmin } from '../helpers/admin-command.js';
import type { ChatPage } from './chat-page.js';
import { chatWorld } from './world.js';

const TIMEOUT = { timeout: 20_000 };
const RAW_ID = /\b[ga]:[A-Za-z0-9_-]{3,}|\broom \d+|\d{4}-\d{2}-\d{2}T\d{2}:/;

async function seesOnline(chat: ChatPage, names: readonly string[]): Promise<void> {
  await chat.page.evaluate(() => window.dispatchEvent(new Event('focus')));
  await chat.page.waitForFunction((wanted) => wanted.every((name) => Array.from(document.querySelectorAll('#online li .name')).some((item) => item.textContent === name)), names, TIMEOUT);
}

async function act(boss: ChatPage, action: string): Promise<void> {
  await boss.page.getByRole('button', { name: action, exact: true }).click();
  await boss.page.waitForFunction((what) => document.querySelector('#admin-result')?.textContent === `${what}: done.`, action, TIMEOUT);
}

describe('the admin panel', () => {
  const world = chatWorld();

  test('names, not ids; the whole deployment table; the person stays chosen; a new moderator sees Admin at once; a readable mute time', { skip: world.skip }, async () => {
    const boss = await world.open();
    await boss.register('boss', 'correct horse battery staple');
    await grantAdmin(`sqlite:${world.server.databaseFile}`, 'boss');
    await boss.page.reload();
    await boss.waitForStatus('online');
    await boss.page.waitForSelector('#admin-button:not([hidden])', TIMEOUT);
    const [vic, wes, mia] = [await world.open(), await world.open(), await world.open()];
    await vic.pickNickname('vic');
    await wes.pickNickname('wes');
    await mia.register('mia', 'correct horse battery staple');
    await seesOnline(boss, ['vic', 'wes', 'mia']);

    await boss.page.click('#admin-button');
    await boss.page.waitForSelector('#admin-dialog[open] #admin-user', TIMEOUT);
    // Not the first person of the list: the picker must not jump back to it.
    const options = await boss.page.$$eval('#admin-user option', (items) => items.map((item) => item.textContent ?? ''));
    assert.notEqual(options[0], 'wes (guest)', `wes is not first: ${JSON.stringify(options)}`);
    await boss.page.selectOption('#admin-user', { label: 'wes (guest)' });
    await boss.page.fill('#admin-reason', 'cool down');
    await boss.page.fill('#admin-minutes', '30');
    await act(boss, 'Mute in general');
    const chosen = await boss.page.$eval('#admin-user', (select) => (select as HTMLSelectElement).selectedOptions[0]?.textContent);
    assert.equal(chosen, 'wes (guest)', 'the person chosen stays chosen after the action');

    // A mute's refusal, as the muted person reads it: the time in their own words.
    await wes.page.waitForFunction(() => document.querySelector('#alert')?.textContent?.startsWith('You were muted'), undefined, TIMEOUT);
    await wes.send('am I muted?');
    await wes.waitForMessages('the muted message refused', (messages) => messages.some((m) => m.text === 'am I muted?' && m.state === 'failed'));
    const note = (await wes.page.textContent('#messages > li[data-state="failed"] .note')) ?? '';
    assert.match(note, /^Not sent: muted in this room until .*\d.*: cool down$/);
    assert.doesNotMatch(note, RAW_ID, 'no raw ISO time');

    await boss.page.selectOption('#admin-user', { label: 'vic (guest)' });
    await boss.page.fill('#admin-reason', 'enough');
    await act(boss, 'Ban');
    assert.equal(await boss.page.$eval('#admin-user', (select) => (select as HTMLSelectElement).selectedOptions[0]?.textContent), 'vic (guest)');

    // A new moderator: the Admin button appears in mia's page, no reload.
    assert.equal(await mia.page.isHidden('#admin-button'), true);
    await boss.page.fill('#admin-role-user', 'mia');
    await boss.page.selectOption('#admin-role', 'moderator');
    await boss.page.getByRole('button', { name: 'Set role' }).click();
    await boss.page.waitForFunction(() => document.querySelector('#admin-result')?.textContent === 'Role: done.', undefined, TIMEOUT);
    await mia.page.waitForSelector('#admin-button:not([hidden])', { timeout: 5000 });

    // Names, not ids.
    const restrictions = (await boss.page.textContent('#admin-restriction-list')) ?? '';
    assert.match(restrictions, /Muted in #general: wes \(cool down\), by boss, until /);
    assert.match(restrictions, /Banned: vic \(enough\), by boss/);
    assert.doesNotMatch(restrictions, RAW_ID, `no raw id: ${restrictions}`);
    const audit = await boss.page.$$eval('#admin-audit-list li', (items) => items.map((item) => item.textContent ?? ''));
    for (const line of [/boss: mute wes in #general/, /boss: ban vic/, /boss: role mia — moderator/]) assert.ok(audit.some((entry) => line.test(entry)), `${line} in ${JSON.stringify(audit)}`);
    for (const entry of audit) assert.doesNotMatch(entry, RAW_ID, `no raw id in the audit log: ${entry}`);

    // The deployment table: whole inside the dialog.
    const table = await boss.page.evaluate(() => {
      const dialog = document.querySelector('#admin-dialog') as HTMLElement;
      const servers = document.querySelector('#admin-servers') as HTMLElement;
      return { tableRight: servers.getBoundingClientRect().right, dialogRight: dialog.getBoundingClientRect().right, dialogScroll: dialog.scrollWidth - dialog.clientWidth, boxScroll: (servers.parentElement?.scrollWidth ?? 0) - (servers.parentElement?.clientWidth ?? 0) };
    });
    assert.ok(table.tableRight <= table.dialogRight && table.dialogScroll <= 0 && table.boxScroll <= 0, `the table is whole: ${JSON.stringify(table)}`);
    assert.deepEqual([...boss.problems, ...vic.problems, ...wes.problems, ...mia.problems], []);
  });
});
