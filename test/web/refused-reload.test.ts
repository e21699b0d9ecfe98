// Issue 25, defect 2: a refused person who reloads saw "Offline. Reconnecting…" forever (the
// rooms this browser last knew started 2.5 s later and wrote over the refusal), with no
// reason and a message box that took text which could never be sent. Every refusal shows
// its reason and what the person can do, and the box takes nothing.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { grantAdmin } from '../helpers/admin-command.js';
import { letTimePass } from '../helpers/waits.js';
import type { ChatPage } from './chat-page.js';
import { chatWorld } from './world.js';

const TIMEOUT = { timeout: 20_000 };

/** Acts on `name` from the admin's panel, as the admin would. */
async function fromPanel(admin: ChatPage, name: string, action: string, fields: { reason?: string; minutes?: string } = {}): Promise<void> {
  await admin.page.evaluate(() => window.dispatchEvent(new Event('focus')));
  await admin.page.waitForFunction((wanted) => Array.from(document.querySelectorAll('#online li .name')).some((item) => item.textContent === wanted), name, TIMEOUT);
  await admin.page.click('#admin-button');
  await admin.page.waitForSelector('#admin-dialog[open] #admin-user', TIMEOUT);
  await admin.page.selectOption('#admin-user', { label: `${name} (guest)` });
  if (fields.reason !== undefined) await admin.page.fill('#admin-reason', fields.reason);
  if (fields.minutes !== undefined) await admin.page.fill('#admin-minutes', fields.minutes);
  await admin.page.getByRole('button', { name: action, exact: true }).click();
  await admin.page.waitForFunction((what) => document.querySelector('#admin-result')?.textContent === `${what}: done.`, action, TIMEOUT);
  await admin.page.keyboard.press('Escape');
}

/** The status line and whether the message box can take text. */
async function refusedPage(chat: ChatPage): Promise<{ state: string; text: string; inputDisabled: boolean; sendDisabled: boolean }> {
  const { state, text } = await chat.status();
  const inputDisabled = await chat.page.isDisabled('#input');
  const sendDisabled = await chat.page.isDisabled('#form button[type="submit"]');
  return { state, text, inputDisabled, sendDisabled };
}

describe('a refused person', () => {
  const world = chatWorld();

  test('banned, then reloading: the reason, until when and what to do, for good; the box takes nothing', { skip: world.skip }, async () => {
    const boss = await world.open();
    await boss.register('boss', 'correct horse battery staple');
    await grantAdmin(`sqlite:${world.server.databaseFile}`, 'boss');
    await boss.page.reload();
    await boss.waitForStatus('online');
    await boss.page.waitForSelector('#admin-button:not([hidden])', TIMEOUT);

    const vic = await world.open();
    await vic.pickNickname('vic');
    await vic.send('before the ban');
    await vic.waitForDelivered(['before the ban']);
    // A reload while allowed: the page keeps a snapshot of its rooms, as any page does.
    await vic.page.reload();
    await vic.waitForStatus('online');

    await fromPanel(boss, 'vic', 'Ban', { reason: 'spam', minutes: '30' });
    await vic.waitForStatus('refused');
    const live = await refusedPage(vic);
    assert.match(live.text, /You are banned until .* by boss: spam\. .*until it ends or a moderator lifts it/);
    assert.ok(live.inputDisabled && live.sendDisabled, `the box takes nothing once banned: ${JSON.stringify(live)}`);

    await vic.page.reload();
    await vic.waitForStatus('refused');
    // Past the 2.5 s after which a page that cannot connect shows the rooms it last knew.
    await letTimePass(4000, 'the snapshot of the rooms starts');
    const reloaded = await refusedPage(vic);
    assert.equal(reloaded.state, 'refused', `still refused, not "Offline. Reconnecting…": ${JSON.stringify(reloaded)}`);
    assert.match(reloaded.text, /You are banned until .*\d.*: spam\. You cannot read or send messages here; a moderator can lift the ban\. Reload the page once it has ended\./);
    assert.doesNotMatch(reloaded.text, /Offline|Reconnecting|\d{4}-\d{2}-\d{2}T/, 'no reconnecting, no raw ISO time');
    assert.ok(reloaded.inputDisabled && reloaded.sendDisabled, `the box takes nothing after the reload: ${JSON.stringify(reloaded)}`);
    const typed = await vic.page.fill('#input', 'never sent', { timeout: 1000 }).then(() => true, () => false);
    assert.equal(typed, false, 'no text can be typed into the box');
    assert.deepEqual([...boss.problems, ...vic.problems], []);
  });

  test('kicked: the reason and "reload to come back"; the box takes nothing', { skip: world.skip }, async () => {
    const boss = await world.open();
    await boss.page.evaluate(() => localStorage.clear());
    await boss.register('boss2', 'correct horse battery staple');
    await grantAdmin(`sqlite:${world.server.databaseFile}`, 'boss2');
    await boss.page.reload();
    await boss.waitForStatus('online');
    await boss.page.waitForSelector('#admin-button:not([hidden])', TIMEOUT);
    const kim = await world.open();
    await kim.pickNickname('kim');
    await fromPanel(boss, 'kim', 'Kick', { reason: 'calm down' });
    await kim.waitForStatus('refused');
    const kicked = await refusedPage(kim);
    assert.match(kicked.text, /You were disconnected by boss2: calm down\. Reload to come back\./);
    assert.ok(kicked.inputDisabled && kicked.sendDisabled, `the box takes nothing once kicked: ${JSON.stringify(kicked)}`);
  });
});
