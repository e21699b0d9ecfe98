// Issue 26, item 3 on the page: an admin makes an outgoing webhook in the admin panel (its
// signing secret shown once), sees the deliveries a failing receiver parked with their last
// error, retries one and discards another, and deletes the hook.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { grantAdmin } from '../helpers/admin-command.js';
import { eventually, Receiver } from '../integrations/receiver.js';
import type { ChatPage } from './chat-page.js';
import { chatWorld } from './world.js';

const TIMEOUT = { timeout: 20_000 };

/** Opens the panel afresh (it lists what is true when opened) and waits for its outgoing section. */
async function openPanel(boss: ChatPage): Promise<void> {
  if (await boss.page.evaluate(() => document.querySelector<HTMLDialogElement>('#admin-dialog')?.open === true)) await boss.page.keyboard.press('Escape');
  await boss.page.click('#admin-button');
  await boss.page.waitForSelector('#admin-dialog[open] #admin-outgoing-list', TIMEOUT);
}

async function parkedRows(boss: ChatPage): Promise<string[]> {
  return boss.page.$$eval('#admin-parked-list li[data-delivery]', (items) => items.map((item) => item.textContent ?? ''));
}

describe('outgoing webhooks in the admin panel', () => {
  const world = chatWorld({
    workers: 1,
    env: {
      // The receiver listens on loopback: allowed here (test/integrations/outgoing-ssrf.test.ts proves the default refuses it).
      PARLEY_WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8',
      PARLEY_WEBHOOK_POLL_MS: '100',
      PARLEY_WEBHOOK_BACKOFF_MS: '100',
      PARLEY_WEBHOOK_MAX_ATTEMPTS: '2',
    },
  });
  let receiver: Receiver | undefined;
  after(() => receiver?.stop());

  test('create (secret once), parked deliveries with their last error, retry, discard, delete', { skip: world.skip }, async () => {
    receiver = await Receiver.start();
    const target = receiver;
    target.answer = () => ({ status: 503, body: 'receiver on fire' });
    const boss = await world.open();
    await boss.register('hookadmin', 'correct horse battery staple');
    await grantAdmin(`sqlite:${world.server.databaseFile}`, 'hookadmin');
    await boss.page.reload();
    await boss.waitForStatus('online');
    await boss.page.waitForSelector('#admin-button:not([hidden])', TIMEOUT);
    await boss.createRoom('hooked');

    await openPanel(boss);
    assert.match((await boss.page.textContent('#admin-outgoing-list')) ?? '', /No outgoing webhooks/);
    assert.notEqual(await boss.page.inputValue('#admin-outgoing-room'), '', 'the room on screen is offered');
    await boss.page.fill('#admin-outgoing-name', 'echo');
    await boss.page.fill('#admin-outgoing-url', 'ftp://example.com/');
    await boss.page.click('form[aria-label="New outgoing webhook"] button[type="submit"]');
    await boss.page.waitForFunction(() => document.querySelector('#admin-result')?.textContent?.includes('http:// or https://'), undefined, TIMEOUT);
    await boss.page.fill('#admin-outgoing-url', target.url);
    await boss.page.fill('#admin-outgoing-words', 'deploy, ship');
    await boss.page.click('form[aria-label="New outgoing webhook"] button[type="submit"]');
    await boss.page.waitForSelector('#admin-secret', TIMEOUT);
    const secret = (await boss.page.textContent('#admin-secret')) ?? '';
    assert.ok(secret.length >= 16, 'the signing secret is shown');
    target.expectSecret(secret);
    const listed = (await boss.page.textContent('#admin-outgoing-list')) ?? '';
    assert.match(listed, /echo \(o:\d+\): room \d+ → http:\/\/127\.0\.0\.1:\d+\/hook, trigger words deploy, ship/);
    await boss.page.keyboard.press('Escape');

    await boss.send('deploy the first');
    await boss.send('ship the second');
    await boss.send('nothing to trigger');
    await eventually(async () => {
      await openPanel(boss);
      return (await parkedRows(boss)).length === 2;
    }, 'both triggered messages parked');
    const rows = await parkedRows(boss);
    for (const row of rows) assert.match(row, /2 attempts, parked .*: the receiver answered 503/);
    const ids = await boss.page.$$eval('#admin-parked-list li[data-delivery]', (items) => items.map((item) => (item as HTMLElement).dataset['delivery'] ?? ''));
    const [first, second] = ids;

    target.answer = () => ({ status: 204, body: '' });
    const before = target.received.length;
    await boss.page.getByRole('button', { name: `Retry delivery ${first}`, exact: true }).click();
    await boss.page.waitForFunction((what) => document.querySelector('#admin-result')?.textContent === `${what}: done.`, `Retry delivery ${first}`, TIMEOUT);
    await eventually(() => target.received.length === before + 1, 'the retried delivery arrives');
    await boss.page.getByRole('button', { name: `Discard delivery ${second}`, exact: true }).click();
    await boss.page.waitForFunction((what) => document.querySelector('#admin-result')?.textContent === `${what}: done.`, `Discard delivery ${second}`, TIMEOUT);
    await eventually(async () => {
      await openPanel(boss);
      return (await parkedRows(boss)).length === 0;
    }, 'nothing parked any more');
    assert.equal(target.received.length, before + 1, 'the discarded one was never sent');
    assert.ok(target.received.every((entry) => entry.signedRight), 'signed with the secret shown');

    await boss.page.getByRole('button', { name: 'Delete echo', exact: true }).click();
    await boss.page.waitForFunction(() => /echo .*deleted/.test(document.querySelector('#admin-outgoing-list')?.textContent ?? ''), undefined, TIMEOUT);
    const audit = (await boss.page.textContent('#admin-audit-list')) ?? '';
    for (const action of ['outgoing-create', 'delivery-retry', 'delivery-discard', 'outgoing-revoke']) assert.ok(audit.includes(action), `${action} in the audit log`);
    assert.deepEqual(boss.problems, []);
  });
});
