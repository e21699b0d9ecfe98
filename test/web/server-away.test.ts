// Pages open while the server goes away and comes back on the same port and database: one
// server and one browser for both tests, the restore first (it reads general's history from
// a fresh database).
// Issue 22, item 4: a backup restored while pages are open. The messages after the backup
// are gone from the database, and their offsets are taken again by new messages: every open
// page (and one reloaded from its snapshot while the server was down) drops what it showed
// of the room, shows the restored history, and then the new messages, the sender's included.
// Issue 13, defect 3: a reload while the server is unreachable shows the last known rooms
// and history from the browser's storage, the offline state and the messages waiting to be
// sent; once the server is back, the queue goes out once and the rooms carry on from there.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { tempDir } from '../helpers/server.js';
import { letTimePass } from '../helpers/waits.js';
import { countOf, type ShownMessage } from './chat-page.js';
import { chatWorld } from './world.js';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TIMEOUT = { timeout: 20_000 };

const texts = (messages: readonly ShownMessage[]): string[] => messages.map((message) => message.text);

describe('the server goes away while pages are open', () => {
  const world = chatWorld();

  describe('a backup restored while pages are open', () => {
    test('every page drops the lost messages, shows the restored history, and then the next message at its reused offset', { skip: world.skip }, async () => {
      const first = world.server;
      const ola = await world.open();
      const bo = await world.open();
      await ola.send('kept one');
      await ola.send('kept two');
      await bo.waitForDelivered(['kept one', 'kept two']);

      const backup = path.join(tempDir('parley-web-backup-'), 'backup.db');
      await run('npm', ['run', '--silent', 'backup', '--', backup], { cwd: root, env: { ...process.env, PARLEY_DATABASE_URL: `sqlite:${first.databaseFile}` } });
      await ola.send('lost one');
      await ola.send('lost two');
      await bo.waitForDelivered(['lost one', 'lost two']);
      await ola.waitForDelivered(['lost one', 'lost two']);
      await ola.page.waitForFunction(() => (localStorage.getItem('parley.snapshot') ?? '').includes('lost two'), undefined, TIMEOUT);

      // The operator's restore: stop, put the backup in place of the database, start.
      await first.stop();
      await Promise.all([ola.waitForStatus('offline'), bo.waitForStatus('offline')]);
      // Ola reloads while the server is down: her page shows its snapshot, of the old history.
      await ola.page.reload();
      await ola.waitForStatus('offline');
      await ola.waitForMessages('the snapshot shows the old history', (messages) => texts(messages).includes('lost two'));
      // Bo writes meanwhile: his message waits, pending, in the log of the old history.
      await bo.send('written during the restore');
      await bo.page.waitForSelector('li.message[data-state="pending"]:has-text("written during the restore")', TIMEOUT);
      for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${first.databaseFile}${suffix}`, { force: true });
      fs.copyFileSync(backup, first.databaseFile);
      await world.restart();
      await Promise.all([ola.waitForStatus('online'), bo.waitForStatus('online')]);

      for (const person of [ola, bo]) {
        const shown = await person.waitForMessages(
          'the room reloaded: the restored history, without what the restore took away, then the message written meanwhile',
          (messages) =>
            !texts(messages).some((text) => text.startsWith('lost')) &&
            messages.some((message) => message.text === 'written during the restore' && message.state === 'delivered'),
        );
        assert.deepEqual(texts(shown), ['kept one', 'kept two', 'written during the restore']);
        assert.equal(shown.at(-1)?.offset, 3, 'stored at the first offset the restore freed, shown to its sender and to the other page');
      }

      // The next messages carry on from there, on every page.
      await bo.send('after the restore');
      await bo.waitForDelivered(['after the restore']);
      const seen = await ola.waitForDelivered(['after the restore']);
      assert.deepEqual(texts(seen), ['kept one', 'kept two', 'written during the restore', 'after the restore']);
      assert.equal(seen.at(-1)?.offset, 4);
      await ola.send('and a reply');
      await bo.waitForDelivered(['and a reply']);
      for (const person of [ola, bo]) {
        const messages = await person.messages();
        for (const text of ['kept one', 'kept two', 'written during the restore', 'after the restore', 'and a reply']) {
          assert.equal(countOf(messages, text), 1, `${text} once`);
        }
        assert.deepEqual(person.problems, []);
      }
    });
  });

  describe('a reload while the server is unreachable', () => {
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
});
