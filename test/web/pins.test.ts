// Issue 25, item 5, in the page: Pin/Unpin among a message's actions, a pin mark, "Pinned" in
// the room's header (live for everyone in the room), and message links opened at the message.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { ChatPage } from './chat-page.js';
import { chatWorld } from './world.js';

const TIMEOUT = { timeout: 20_000 };
const PHONE = { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true };

/** Where message `text` sits against the log's visible box, and whether it is the one marked as found. */
function placeOf(chat: ChatPage, text: string): Promise<{ found: boolean; inView: boolean; pageWidth: number }> {
  return chat.page.evaluate((wanted) => {
    const item = Array.from(document.querySelectorAll<HTMLElement>('#messages > li.message')).find((row) => row.querySelector('.text')?.textContent === wanted);
    const log = document.querySelector('#log')?.getBoundingClientRect();
    const box = item?.getBoundingClientRect();
    return {
      found: item?.dataset.found === 'true',
      inView: Boolean(box && log && box.top >= log.top - 1 && box.bottom <= log.bottom + 1),
      pageWidth: document.documentElement.scrollWidth,
    };
  }, text);
}

describe('pins and message links in the page', () => {
  const world = chatWorld();

  test('a pin made through the page shows its mark and reaches the Pinned list of a second page live; a click there jumps to it; Unpin takes it away', { skip: world.skip }, async () => {
    const [ana, ben] = [await world.open(), await world.open()];
    await ana.pickNickname('ana-pins');
    await ben.pickNickname('ben-pins');
    const room = `pin-board-${randomUUID().slice(0, 6)}`;
    await ana.createRoom(room);
    await ben.page.waitForSelector(`#other-rooms button[aria-label="Join ${room}"]`, TIMEOUT);
    await ben.joinRoom(room);
    const texts = ['first note', 'the plan for friday', ...Array.from({ length: 30 }, (_, index) => `chatter ${index}`)];
    for (const text of texts) await ana.send(text);
    await Promise.all([ana.waitForDelivered(texts), ben.waitForDelivered(texts)]);

    await ben.page.click('#pinned-button');
    await ben.page.waitForSelector('#pinned-list .pinned-note', TIMEOUT);
    assert.equal(await ben.page.textContent('#pinned-list'), 'No pinned messages in this room yet.');

    const plan = ana.page.locator('#messages > li.message', { hasText: 'the plan for friday' });
    await plan.hover();
    await plan.locator('.more-actions summary').click(TIMEOUT);
    await plan.getByRole('button', { name: 'Pin this message to the room' }).click(TIMEOUT);
    await ana.page.waitForSelector('#messages > li.message[data-pinned] .pin-mark', TIMEOUT);
    assert.equal(await plan.locator('.pin-mark').getAttribute('title'), 'Pinned by ana-pins');

    // Live on the other page: its open list and the message's mark.
    const entry = ben.page.locator('#pinned-list .pinned-entry', { hasText: 'the plan for friday' });
    await entry.waitFor(TIMEOUT);
    assert.match((await entry.locator('.pinned-by').textContent()) ?? '', /^Pinned by ana-pins · /);
    await ben.page.waitForSelector('#messages > li.message[data-pinned]', TIMEOUT);
    assert.deepEqual(await ben.page.$$eval('#messages > li.message[data-pinned] .text', (items) => items.map((item) => item.textContent)), ['the plan for friday']);

    await entry.click();
    await ben.page.waitForSelector('#messages > li.message[data-found]', TIMEOUT);
    assert.deepEqual(await placeOf(ben, 'the plan for friday'), { found: true, inView: true, pageWidth: 900 }, 'jumped to, marked, in view');
    assert.equal(await ben.page.isHidden('#pinned-panel'), true, 'the list closes on the jump');

    // A third page opening the list now reads it from the server.
    const cy = await world.open();
    await cy.pickNickname('cy-pins');
    await cy.page.waitForSelector(`#other-rooms button[aria-label="Join ${room}"]`, TIMEOUT);
    await cy.joinRoom(room);
    await cy.page.click('#pinned-button');
    await cy.page.locator('#pinned-list .pinned-entry', { hasText: 'the plan for friday' }).waitFor(TIMEOUT);

    await plan.hover();
    await plan.locator('.more-actions summary').click(TIMEOUT);
    await plan.getByRole('button', { name: 'Unpin this message' }).click(TIMEOUT);
    await cy.page.waitForSelector('#pinned-list .pinned-note', TIMEOUT);
    await ben.page.waitForSelector('#messages > li.message[data-pinned]', { state: 'detached', ...TIMEOUT });
    assert.equal(await ben.page.locator('#messages .pin-mark').count(), 0);
    assert.deepEqual([...ana.problems, ...ben.problems, ...cy.problems], []);
  });

  test('a message link opens the room at the message, older history loaded, highlighted and in view, at desktop and 375 px; a room one cannot read says so', { skip: world.skip }, async (t) => {
    const writer = await world.tab();
    const room = await writer.must('room:create', { name: `linked-${randomUUID().slice(0, 6)}` });
    const target = await writer.send(room.id, 'the linked answer');
    // More than a page of history after it, so the page must load older history to reach it.
    for (let index = 0; index < 70; index++) await writer.send(room.id, `later ${index}`);
    const link = `${world.url}/#room=${room.id}&message=${target.serverOffset}`;

    // Desktop: the link followed from the page itself (a fragment change), in a room never joined.
    const reader = await world.open({ viewport: { width: 900, height: 600 }, permissions: ['clipboard-read', 'clipboard-write'] });
    await reader.page.goto(link);
    await reader.waitForText('#room-title', `# ${room.name}`);
    await reader.page.waitForSelector('#messages > li.message[data-found]', TIMEOUT);
    await reader.page.waitForFunction(() => !location.hash, undefined, TIMEOUT);
    assert.deepEqual(await placeOf(reader, 'the linked answer'), { found: true, inView: true, pageWidth: 900 });
    assert.equal(await reader.page.isVisible('#room-preview'), true, 'read without joining, as a search hit');

    // "Copy link" gives the same link.
    const row = reader.page.locator('#messages > li.message', { hasText: 'the linked answer' });
    await row.hover();
    await row.locator('.more-actions summary').click(TIMEOUT);
    assert.equal(await row.locator('a.copy-link').getAttribute('href'), link);
    await row.locator('a.copy-link').click();
    await reader.page.waitForFunction(() => document.querySelector('#messages > li[data-found] a.copy-link')?.textContent === 'Link copied', undefined, TIMEOUT);
    assert.equal(await reader.page.evaluate(() => navigator.clipboard.readText()), link);

    // A member whose log holds only the newest page: older pages load until the message is there.
    const member = await world.open();
    await member.page.waitForSelector(`#other-rooms button[aria-label="Join ${room.name}"]`, TIMEOUT);
    await member.joinRoom(room.name);
    await member.waitForDelivered(['later 69']);
    assert.equal((await member.messages()).some((message) => message.text === 'the linked answer'), false, 'not loaded yet');
    await member.page.goto(link);
    await member.page.waitForSelector('#messages > li.message[data-found]', TIMEOUT);
    assert.deepEqual(await placeOf(member, 'the linked answer'), { found: true, inView: true, pageWidth: 900 });
    assert.equal(await member.page.isHidden('#room-preview'), true, 'a member reads it as a member');
    // Having left the room, the link opens it read-only, as a search hit does.
    await member.page.click('#leave-room');
    await member.waitForText('#room-title', '# general');
    await member.page.goto(link);
    await member.waitForText('#room-title', `# ${room.name}`);
    await member.page.waitForSelector('#messages > li.message[data-found]', TIMEOUT);
    assert.equal(await member.page.isVisible('#room-preview'), true, 'read-only after leaving');
    assert.equal(await member.page.isDisabled('#input'), true, 'no message box');

    // 375 px: the link opened as the page loads.
    const { chat: phone } = await ChatPage.open(world.browser, link, PHONE);
    t.after(() => phone.close());
    await phone.waitForText('#room-title', `# ${room.name}`);
    await phone.page.waitForSelector('#messages > li.message[data-found]', TIMEOUT);
    assert.deepEqual(await placeOf(phone, 'the linked answer'), { found: true, inView: true, pageWidth: 375 }, 'in view, nothing wider than the screen');
    await phone.page.tap('#pinned-button');
    await phone.page.waitForSelector('#pinned-list .pinned-note', TIMEOUT);
    assert.equal(await phone.page.evaluate(() => document.documentElement.scrollWidth), 375, 'the Pinned list fits the screen too');
    await phone.page.tap('#pinned-button');
    assert.equal(await phone.page.isHidden('#pinned-panel'), true, 'and folds away again');

    // Another's direct room, and a message deleted since: said plainly.
    const other = await world.tab();
    const direct = await writer.must('dm:open', { userId: (await other.whoAmI()).id });
    const secret = await writer.send(direct.id, 'between us');
    await phone.page.goto(`${world.url}/#room=${direct.id}&message=${secret.serverOffset}`);
    await phone.waitForText('#alert', 'You cannot see this message: it is in a room you cannot read.');
    await writer.must('message:delete', { roomId: room.id, target: target.serverOffset, clientId: randomUUID() });
    await phone.page.goto(link);
    await phone.waitForText('#alert', 'You cannot see this message: it was deleted, or never was.');
    assert.deepEqual([...reader.problems, ...member.problems, ...phone.problems], []);
  });
});
