// One person with two tabs (one browser session), through the room protocol: their
// messages reach their other tab once, marked as theirs; reading in one tab clears the
// unread count in the other; typing is throttled; leaving a room is seen by the others.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { countOf } from './chat-page.js';
import { chatWorld, roomProtocolOrSkip } from './world.js';

describe('one person, several tabs, the room protocol', () => {
  const world = chatWorld();

  test('a message from one tab shows once in the other, as theirs; reading in one tab clears the other’s count', { skip: world.skip }, async (t) => {
    const erin = await world.open();
    const other = await world.open();
    const erinsSecondTab = await erin.openTab();
    try {
      if (!(await roomProtocolOrSkip(t, erin))) return;
      await erin.pickNickname('erin');
      await erinsSecondTab.waitForText('#me', 'Guest: erin');
      await erin.createRoom('erin-room');
      // The second tab hears of the new room (room:added) and follows it.
      await erinsSecondTab.openRoom('erin-room');
      await erin.send('erin: from the first tab');
      const seen = await erinsSecondTab.waitForDelivered(['erin: from the first tab']);
      assert.equal(countOf(seen, 'erin: from the first tab'), 1);
      assert.equal(seen.find((message) => message.text === 'erin: from the first tab')?.own, true, 'marked as hers in her other tab');

      // Someone else writes in general while both of erin's tabs look at erin-room.
      await other.send('someone: hello erin');
      await erinsSecondTab.waitForUnread('general unread in the second tab', (counts) => counts['# general'] === 1);
      await erin.openRoom('general');
      await erin.waitForDelivered(['someone: hello erin']);
      await erinsSecondTab.waitForUnread('general read, told to the second tab', (counts) => counts['# general'] === 0);
    } finally {
      await Promise.all([erin.close(), other.close()]);
    }
  });

  test('typing is throttled: one typing event per two seconds of keystrokes, and a stop on send', { skip: world.skip }, async (t) => {
    const fay = await world.open();
    try {
      if (!(await roomProtocolOrSkip(t, fay))) return;
      await fay.page.evaluate(() => {
        const sent: boolean[] = [];
        window.parley?.socket.onAnyOutgoing((event, payload: { typing?: boolean } | undefined) => {
          if (event === 'typing') sent.push(payload?.typing === true);
        });
        Object.assign(window, { typingSent: sent });
      });
      await fay.page.click('#input');
      await fay.page.keyboard.type('fifteen letters', { delay: 80 }); // about 1.2 s of typing
      await fay.page.press('#input', 'Enter');
      await fay.waitForDelivered(['fifteen letters']);
      const sent = await fay.page.evaluate(() => (window as unknown as { typingSent: boolean[] }).typingSent);
      assert.deepEqual(sent, [true, false], 'one "typing", then one "stopped" when sent');
    } finally {
      await fay.close();
    }
  });

  test('an account stays signed in across a reload and signs out to a guest', { skip: world.skip }, async (t) => {
    const ida = await world.open();
    try {
      if (!(await roomProtocolOrSkip(t, ida))) return;
      await ida.register('ida', 'a long enough password');
      await ida.send('ida: signed in');
      await ida.waitForDelivered(['ida: signed in']);
      await ida.page.reload();
      await ida.waitForStatus('online');
      await ida.waitForText('#me', 'Signed in as ida');
      const shown = await ida.waitForDelivered(['ida: signed in']);
      assert.equal(shown.find((message) => message.text === 'ida: signed in')?.own, true, 'still hers after the reload');
      await ida.page.click('#identity-button'); // "Sign out"
      await ida.page.waitForFunction(() => document.getElementById('me')?.textContent?.startsWith('Guest: '), undefined, { timeout: 20_000 });
      await ida.page.reload();
      await ida.waitForStatus('online');
      await ida.page.waitForFunction(() => document.getElementById('me')?.textContent?.startsWith('Guest: '), undefined, { timeout: 20_000 });
      const afterSignOut = await ida.waitForDelivered(['ida: signed in']);
      assert.equal(afterSignOut.find((message) => message.text === 'ida: signed in')?.own, false, 'a guest does not own the account’s messages');
    } finally {
      await ida.close();
    }
  });

  test('leaving a room: the others see the notice, the room moves to the other rooms', { skip: world.skip }, async (t) => {
    const [gus, hal] = await Promise.all([world.open(), world.open()]);
    try {
      if (!(await roomProtocolOrSkip(t, gus))) return;
      await Promise.all([gus.pickNickname('gus'), hal.pickNickname('hal')]);
      await gus.createRoom('lobby');
      await hal.page.evaluate(() => window.dispatchEvent(new Event('focus')));
      await hal.joinRoom('lobby');
      await gus.page.waitForFunction(() => Array.from(document.querySelectorAll('#messages > li.notice')).some((item) => item.textContent === 'hal joined'), undefined, { timeout: 20_000 });
      await hal.page.click('#leave-room');
      await gus.page.waitForFunction(() => Array.from(document.querySelectorAll('#messages > li.notice')).some((item) => item.textContent === 'hal left'), undefined, { timeout: 20_000 });
      await hal.page.waitForSelector('#other-rooms button[aria-label="Join lobby"]', { timeout: 20_000 });
      await hal.waitForText('#room-title', '# general');
    } finally {
      await Promise.all([gus.close(), hal.close()]);
    }
  });
});
