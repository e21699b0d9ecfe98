// Two people in two browsers on a two-worker server, through the room protocol: one with
// an account, one a guest; a room of their own, typing, presence, unread counts, a direct
// conversation, edits and deletions, a trip offline, and a reload.
import assert from 'node:assert/strict';
import http from 'node:http';
import { describe, test } from 'node:test';
import { tutorialClient } from '../helpers/clients.js';
import { countOf, type ShownMessage } from './chat-page.js';
import { chatWorld, roomProtocolOrSkip } from './world.js';
import { pace } from '../helpers/waits.js';

/** One HTTP request on a connection of its own (no keep-alive pool). */
function oneConnection(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    http.get(`${url}/healthz`, { agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve());
    }).on('error', reject);
  });
}

/** The texts shown, in page order, each with how it shows (edited, deleted). */
function texts(messages: readonly ShownMessage[]): string[] {
  return messages.map((message) => `${message.text}${message.edited ? ' (edited)' : ''}`);
}

describe('two people, two browsers, the room protocol', () => {
  const world = chatWorld();

  test('sign in, a room, typing, presence, unread, a direct conversation, edit, delete, offline, reload', { skip: world.skip }, async (t) => {
    const alice = await world.open();
    let bob = await world.open();
    try {
      if (!(await roomProtocolOrSkip(t, alice))) return;
      // Two people on two workers: each new TCP connection goes round-robin. A page load
      // opens an even or odd number of them, not always the same (the service worker may
      // fetch the shell too, a connection may be reused), so between tries one or two extra
      // connections shift the next page: a fixed count reaches the other worker within two
      // tries, a varying one lands on it half the time, and twelve tries leave 1 in 4,096.
      for (let attempt = 0; attempt < 12 && (await bob.worker()) === (await alice.worker()); attempt += 1) {
        await bob.close();
        for (let extra = 0; extra < 1 + (attempt % 2); extra += 1) await oneConnection(world.url);
        bob = await world.open();
      }
      assert.notEqual(await bob.worker(), await alice.worker(), 'alice and bob are on different workers');

      // Sign in: bob stays a guest with a nickname, alice registers an account. Each sees
      // the other online (the list is asked for again when the window gets the focus).
      await bob.pickNickname('bob');
      await alice.register('alice', 'correct horse battery staple');
      for (const [chat, other] of [[alice, 'bob'], [bob, 'alice']] as const) {
        await chat.page.evaluate(() => window.dispatchEvent(new Event('focus')));
        await chat.page.waitForFunction((name) => Array.from(document.querySelectorAll('#online li .name')).some((item) => item.textContent === name), other, { timeout: 20_000 });
      }

      // A room: alice creates it, bob finds it under "Other rooms" and joins; alice is told.
      await alice.createRoom('design');
      await bob.page.evaluate(() => window.dispatchEvent(new Event('focus'))); // the list refreshes on focus
      await bob.joinRoom('design');
      await alice.page.waitForFunction(() => Array.from(document.querySelectorAll('#messages > li.notice')).some((item) => item.textContent === 'bob joined'), undefined, { timeout: 20_000 });

      // Talk: the sender sees pending, then delivered; the other sees it once, with its author.
      await alice.recordStates();
      await alice.send('alice: welcome to design');
      await bob.send('bob: thanks!');
      const [inDesignA, inDesignB] = await Promise.all([
        alice.waitForDelivered(['alice: welcome to design', 'bob: thanks!']),
        bob.waitForDelivered(['alice: welcome to design', 'bob: thanks!']),
      ]);
      assert.deepEqual(texts(inDesignA), texts(inDesignB), 'both see the same room');
      assert.deepEqual(await alice.stateHistory('alice: welcome to design'), ['pending', 'delivered']);
      assert.equal(inDesignB.find((message) => message.text === 'alice: welcome to design')?.author, 'alice');
      assert.equal(inDesignB.find((message) => message.text === 'alice: welcome to design')?.own, false);

      // Typing: bob types, alice reads "bob is typing…"; it goes when bob sends.
      await bob.page.fill('#input', 'bob: typing this');
      await bob.page.dispatchEvent('#input', 'input');
      await alice.waitForText('#typing', 'bob is typing…');
      await bob.page.press('#input', 'Enter');
      await alice.waitForDelivered(['bob: typing this']);
      await alice.waitForText('#typing', '');

      // Unread: bob writes in general while alice looks at design; opening it reads it.
      await bob.openRoom('general');
      await bob.send('bob: over in general');
      await alice.waitForUnread('general unread', (counts) => counts['# general'] === 1);
      await alice.openRoom('general');
      await alice.waitForDelivered(['bob: over in general']);
      await alice.waitForUnread('general read', (counts) => counts['# general'] === 0);
      await alice.waitForText('#messages > li[data-first-unread] .text', 'bob: over in general'); // the "New messages" line

      // A direct conversation, from the online list; bob sees it appear, unread.
      await alice.messagePerson('bob');
      await alice.send('alice: psst, bob');
      await bob.waitForUnread('the direct conversation, unread', (counts) => counts['alice'] === 1);
      await bob.openRoom('alice', 'direct');
      await bob.waitForDelivered(['alice: psst, bob']);
      await bob.send('bob: yes?');
      await bob.send('bob: a typo I regret');
      await alice.waitForDelivered(['bob: yes?', 'bob: a typo I regret']);

      // Edit and delete: events of the room, so both converge.
      await alice.edit('alice: psst, bob', 'alice: psst, bob (are you there?)');
      await bob.delete('bob: a typo I regret');
      const converged = (messages: ShownMessage[]): boolean =>
        messages.some((message) => message.text === 'alice: psst, bob (are you there?)' && message.edited) &&
        messages.some((message) => message.text === 'message deleted' && message.deleted) &&
        countOf(messages, 'bob: a typo I regret') === 0;
      const [directA, directB] = await Promise.all([alice.waitForMessages('edit and delete at alice', converged), bob.waitForMessages('edit and delete at bob', converged)]);
      assert.deepEqual(texts(directA), texts(directB));

      // Offline and back: what alice sends while bob is away arrives once, in order; what bob
      // typed offline waits, pending, and goes out once.
      await bob.goOffline();
      const whileAway = ['alice: one while you were away', 'alice: two while you were away'];
      for (const text of whileAway) await alice.send(text);
      await bob.send('bob: typed offline');
      await bob.waitForMessages('bob’s offline message pending', (messages) => messages.some((message) => message.text === 'bob: typed offline' && message.state === 'pending'));
      await alice.waitForDelivered(whileAway);
      await bob.goOnline();
      const all = [...whileAway, 'bob: typed offline'];
      const [backA, backB] = await Promise.all([alice.waitForDelivered(all), bob.waitForDelivered(all)]);
      for (const messages of [backA, backB]) for (const text of all) assert.equal(countOf(messages, text), 1, `"${text}" once`);
      assert.deepEqual(texts(backA), texts(backB), 'both see the same conversation after the trip offline');

      // Reload: bob's page comes back in the same conversation with the same history, once.
      await bob.page.reload();
      await bob.waitForStatus('online');
      await bob.waitForText('#room-title', 'alice');
      const reloaded = await bob.waitForDelivered(all);
      assert.deepEqual(texts(reloaded), texts(backA), 'the reload shows the same history, once, in order');
      assert.deepEqual(
        reloaded.map((message) => message.offset),
        [...reloaded.map((message) => message.offset)].sort((a, b) => (a ?? 0) - (b ?? 0)),
        'offsets rise down the page',
      );
      assert.deepEqual([...alice.problems, ...bob.problems], []);
    } finally {
      await Promise.all([alice.close(), bob.close()]);
    }
  });

  test('older history loads page by page as the reader scrolls up, each message once, in order', { skip: world.skip }, async (t) => {
    const tutorial = tutorialClient(world.url);
    const reader = await world.open();
    try {
      if (!(await roomProtocolOrSkip(t, reader))) return;
      const sent = Array.from({ length: 130 }, (_, index) => `history ${String(index).padStart(3, '0')}`);
      for (const text of sent) assert.ok((await tutorial.emitWithAck('chat message', text, `history-${text}`)).ok);
      await reader.page.reload();
      await reader.waitForStatus('online');
      await reader.waitForDelivered([sent.at(-1) ?? '']);
      // Scroll to the top until the page says the room's history is all there.
      const deadline = Date.now() + 20_000;
      while ((await reader.page.textContent('#history-state')) !== 'This is the start of the conversation.') {
        assert.ok(Date.now() < deadline, 'the whole history loaded');
        await reader.page.$eval('#log', (log) => log.scrollTo(0, 0));
        await pace(50, 'the next scroll to the top');
      }
      const shown = await reader.messages();
      const historyShown = shown.map((message) => message.text).filter((text) => text.startsWith('history '));
      assert.deepEqual(historyShown, sent, 'every message once, in order');
      const offsets = shown.map((message) => message.offset ?? 0);
      assert.deepEqual(offsets, [...offsets].sort((a, b) => a - b));
      assert.equal(new Set(offsets).size, offsets.length, 'no offset twice');
    } finally {
      tutorial.close();
      await reader.close();
    }
  });
});
