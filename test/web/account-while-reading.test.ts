// Issue 25, defect 4: a guest who created an account while reading got a badge of 426
// unread on the room it was reading: the account had no read marker of its own. A guest who
// registers is the same person: the account keeps the guest's public rooms and how far it
// had read each (src/accounts/guest-carry-over.ts), so nothing it saw counts as unread.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { letTimePass } from '../helpers/waits.js';
import { chatWorld } from './world.js';

describe('an account created while reading', () => {
  const world = chatWorld({ workers: 2, env: { PARLEY_RATE_LIMIT: '200', PARLEY_RATE_BURST: '200' } });

  test('no unread badge for what the guest read; the rooms it followed stay followed', { skip: world.skip }, async () => {
    const writer = await world.tab();
    const [general] = (await writer.must('room:list', {})).filter((room) => room.name === 'general');
    assert.ok(general, 'general is listed');
    await writer.must('room:join', { roomId: general.id, after: general.head });
    const side = await writer.must('room:create', { name: 'side-room' });
    await writer.send(side.id, 'side 1');

    const reader = await world.open();
    await reader.joinRoom('side-room');
    await reader.openRoom('general');
    const texts = Array.from({ length: 40 }, (_, index) => `while reading ${index}`);
    for (const text of texts) await writer.send(general.id, text);
    await reader.waitForDelivered(texts);
    // The reader is at the bottom of a visible page: its marker moves to the last message.
    await letTimePass(1500, 'the read marker is sent (300 ms after the last message)');
    // Reading another room when the account is made: general is not on screen to be marked again.
    await reader.openRoom('side-room');
    await letTimePass(1000, 'side-room marked read');
    const asGuest = await reader.unreadCounts();
    assert.equal(asGuest['# general'], 0, 'general read as a guest');
    assert.ok('# side-room' in asGuest, 'the guest follows side-room');

    // Every badge the sidebar shows from here on, however briefly.
    await reader.page.evaluate(() => {
      const seen: Record<string, number> = {};
      Object.assign(window, { badgesSeen: seen });
      new MutationObserver(() => {
        for (const button of Array.from(document.querySelectorAll('#sidebar button.room'))) {
          const name = button.querySelector('.name')?.textContent ?? '';
          seen[name] = Math.max(seen[name] ?? 0, Number(button.querySelector('.unread')?.textContent ?? 0));
        }
      }).observe(document.getElementById('sidebar') as HTMLElement, { childList: true, subtree: true, characterData: true });
    });
    await reader.register('reader', 'correct horse battery staple');
    // What the server lists for the new account, asked at once: before the page, now on
    // general, could move the marker itself (300 ms after showing it).
    const listed = await reader.page.evaluate(async () => {
      const answer = (await window.parley?.socket.timeout(5000).emitWithAck('room:list', {})) as { ok: boolean; data: { name: string; unread: number; readOffset: number; head: number }[] };
      return answer.data.filter((room) => room.name === 'general').map(({ unread, readOffset, head }) => ({ unread, read: readOffset === head }));
    });
    assert.deepEqual(listed, [{ unread: 0, read: true }], 'the account starts where the guest had read general');
    await letTimePass(2000, 'the account is listed again');
    const badges = await reader.page.evaluate(() => (window as unknown as { badgesSeen: Record<string, number> }).badgesSeen);
    assert.equal(badges['# general'] ?? 0, 0, `no badge on general at any moment: ${JSON.stringify(badges)}`);
    assert.deepEqual(await reader.unreadCounts(), asGuest, 'the account read what the guest read, and follows its rooms');
    await reader.page.reload();
    await reader.waitForStatus('online');
    await reader.waitForText('#me', 'Signed in as reader');
    await reader.waitForUnread('the rooms after a reload', (counts) => '# side-room' in counts);
    assert.deepEqual(await reader.unreadCounts(), asGuest, 'after a reload too');

    // What comes after still counts: a new message in the room not on screen is unread.
    await reader.openRoom('side-room');
    await writer.send(general.id, 'after the account');
    await reader.waitForUnread('the new message counted', (counts) => counts['# general'] === 1);
    assert.deepEqual(reader.problems, []);
  });
});
