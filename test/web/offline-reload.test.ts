// Issue 13, defect 3: a reload while the server is unreachable shows the last known rooms
// and history from the browser's storage, the offline state and the messages waiting to be
// sent; once the server is back, the queue goes out once and the rooms carry on from there.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { countOf } from './chat-page.js';
import { chatWorld } from './world.js';
import { letTimePass } from '../helpers/waits.js';

const TIMEOUT = { timeout: 20_000 };

describe('a reload while the server is unreachable', () => {
  const world = chatWorld();

  test('shows the rooms, the history, the offline state and the queue; all of it carries on when the server is back', { skip: world.skip }, async () => {
    const first = world.server;
    const ola = await world.open();
    const other = await world.open();
    await ola.pickNickname('ola');
    await ola.createRoom('notes');
    await ola.send('first note');
    await ola.send('second note');
    await ola.waitForDelivered(['first note', 'second note']);
    await other.joinRoom('notes');
    await other.waitForDelivered(['first note', 'second note']);
    // The shell is cached once the service worker controls the page; the snapshot follows each change within a second.
    await ola.page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await ola.page.waitForFunction(() => (localStorage.getItem('parley.snapshot') ?? '').includes('second note'), undefined, TIMEOUT);

    await first.stop();
    await ola.waitForStatus('offline');
    await ola.page.reload();
    await ola.waitForStatus('offline');
    await ola.page.waitForSelector('#joined-rooms button.room:has-text("# notes")', TIMEOUT);
    assert.equal(await ola.page.textContent('#room-title'), '# notes', 'the room that was on screen');
    assert.deepEqual(
      (await ola.messages()).map((message) => message.text),
      ['first note', 'second note'],
    );
    assert.equal((await ola.messages()).every((message) => message.own), true, 'still known as hers');

    await ola.send('written offline');
    await letTimePass(300, 'the snapshot takes the queued message');
    await ola.page.reload();
    await ola.waitForStatus('offline');
    await ola.page.waitForSelector('li.message[data-state="pending"]:has-text("written offline")', TIMEOUT);
    assert.match((await ola.status()).text, /1 message will be sent when back/);
    assert.deepEqual(ola.problems, []);

    // The server comes back on the same port and database; the page reconnects by itself.
    await world.restart();
    await ola.waitForStatus('online');
    await ola.waitForDelivered(['first note', 'second note', 'written offline']);
    await other.waitForDelivered(['written offline']);
    for (const person of [ola, other]) {
      const messages = await person.messages();
      for (const text of ['first note', 'second note', 'written offline']) assert.equal(countOf(messages, text), 1, `${text} once`);
    }
    await other.send('after the return');
    await ola.waitForDelivered(['after the return']);
    assert.equal(countOf(await ola.messages(), 'after the return'), 1);
  });
});
