// The chat page in a real browser against a real two-worker server: what two people see
// when they talk, go offline, lose an acknowledgement, and reload.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eventually, tutorialClient } from '../helpers/clients.js';
import { ChatPage, countOf, deliveredLog, type ShownMessage } from './chat-page.js';
import { chatWorld } from './world.js';

/** Each text once, delivered, in the given order, with offsets rising down the page. */
function assertShownOnceInOrder(messages: readonly ShownMessage[], texts: readonly string[]): void {
  for (const text of texts) assert.equal(countOf(messages, text), 1, `"${text}" shown once`);
  const offsets = messages.map((message) => message.offset);
  assert.ok(
    offsets.every((offset, index) => offset !== undefined && (index === 0 || offset > (offsets[index - 1] ?? 0))),
    `offsets rise down the page: ${JSON.stringify(offsets)}`,
  );
  const positions = texts.map((text) => messages.findIndex((message) => message.text === text));
  assert.deepEqual(positions, [...positions].sort((a, b) => a - b), 'shown in the order sent');
}

/**
 * Cuts the connection of `chat` right after it sent `text`, before the acknowledgement can
 * come back. In the room protocol the page sends `message:send` and the connection drops
 * once that packet is written. In the tutorial's protocol the page waits for the server's
 * echo (sent before the acknowledgement), so the page takes the echo, then never gets the
 * acknowledgement.
 */
async function cutConnectionBeforeAck(chat: ChatPage, text: string, how: 'drop' | 'disconnect'): Promise<void> {
  // No named functions in here: tsx would wrap them in a helper the page lacks.
  await chat.page.evaluate(
    ([wanted, cut]) => {
      const socket = window.parley?.socket;
      if (!socket) return;
      if (window.parley?.mode === 'tutorial') {
        // This listener runs after the page's own.
        socket.on('chat message', (received) => {
          if (received !== wanted) return;
          if (cut === 'drop') socket.io.engine.close();
          else socket.disconnect();
        });
        return;
      }
      let cutOnce = false; // the page sends the message again after the reconnect
      socket.onAnyOutgoing((event, payload: { text?: unknown } | undefined) => {
        if (cutOnce || event !== 'message:send' || payload?.text !== wanted) return;
        cutOnce = true;
        // After the emit returns: the engine writes what it has buffered before closing,
        // so the message goes out and only its acknowledgement is lost.
        queueMicrotask(() => {
          if (cut === 'drop') socket.io.engine.close();
          else socket.disconnect();
        });
      });
    },
    [text, how] as const,
  );
}

describe('the chat page', () => {
  const world = chatWorld();

  test('is served with a strict Content Security Policy and works under it', { skip: world.skip }, async () => {
    const { chat, response } = await world.openWithResponse();
    try {
      const policy = response?.headers()['content-security-policy'] ?? '';
      assert.match(policy, /script-src 'self'(;|$)/);
      assert.match(policy, /style-src 'self'(;|$)/);
      assert.doesNotMatch(policy, /unsafe-inline|unsafe-eval/);
      // The style sheet applied: the header is not the browser's default transparent.
      const headerBackground = await chat.page.$eval('header', (header) => getComputedStyle(header).backgroundColor);
      assert.notEqual(headerBackground, 'rgba(0, 0, 0, 0)');
      assert.equal((await chat.status()).text, 'Online');
      assert.deepEqual(chat.problems, []);
    } finally {
      await chat.close();
    }
  });

  test('a message shows once in both tabs, in order; the sender sees it pending, then delivered', { skip: world.skip }, async () => {
    const [alice, bob] = await Promise.all([world.open(), world.open()]);
    try {
      await alice.recordStates();
      const fromAlice = ['alice: hello', 'alice: are you there?', 'alice: third in a row'];
      const fromBob = 'bob: hi alice';
      for (const text of fromAlice) await alice.send(text);
      await bob.send(fromBob);
      const all = [...fromAlice, fromBob];
      const [seenByAlice, seenByBob] = await Promise.all([alice.waitForDelivered(all), bob.waitForDelivered(all)]);

      assertShownOnceInOrder(seenByAlice, fromAlice);
      assertShownOnceInOrder(seenByBob, fromAlice);
      assertShownOnceInOrder(seenByBob, [fromBob]);
      assert.deepEqual(deliveredLog(seenByAlice), deliveredLog(seenByBob), 'both tabs show the same history');
      for (const text of fromAlice) {
        assert.deepEqual(await alice.stateHistory(text), ['pending', 'delivered'], `alice saw "${text}" pending, then delivered`);
        assert.equal(seenByAlice.find((message) => message.text === text)?.own, true, 'marked as her own');
        assert.equal(seenByBob.find((message) => message.text === text)?.own, false, 'not marked as bob’s');
      }
      assert.deepEqual([...alice.problems, ...bob.problems], []);
    } finally {
      await Promise.all([alice.close(), bob.close()]);
    }
  });

  test('markup in a message is shown as text, never rendered', { skip: world.skip }, async () => {
    const [alice, bob] = await Promise.all([world.open(), world.open()]);
    try {
      const markup = ['<b>not bold</b>', '<img src="/nothing.png" onerror="document.title=\'pwned\'">'];
      for (const text of markup) await alice.send(text);
      const shown = await bob.waitForDelivered(markup);
      assertShownOnceInOrder(shown, markup);
      for (const chat of [alice, bob]) {
        assert.equal(await chat.page.$$eval('#messages b, #messages img', (elements) => elements.length), 0, 'no element made from a message');
        assert.equal(await chat.page.title(), 'Parley');
      }
    } finally {
      await Promise.all([alice.close(), bob.close()]);
    }
  });

  test('messages typed offline wait, shown pending, and go out once when back', { skip: world.skip }, async () => {
    const [alice, bob] = await Promise.all([world.open(), world.open()]);
    try {
      await alice.goOffline();
      const typedOffline = ['alice: typed offline 1', 'alice: typed offline 2'];
      for (const text of typedOffline) await alice.send(text);
      await bob.send('bob: while alice is away');
      const pending = await alice.waitForMessages('offline messages pending', (messages) =>
        typedOffline.every((text) => messages.some((message) => message.text === text && message.state === 'pending')),
      );
      assert.deepEqual(
        pending.slice(-2).map((message) => message.text),
        typedOffline,
        'pending messages wait at the bottom',
      );
      const status = await alice.status();
      assert.equal(status.state, 'offline');
      assert.match(status.text, /2 messages will be sent when back/);

      await alice.goOnline();
      const all = [...typedOffline, 'bob: while alice is away'];
      const [seenByAlice, seenByBob] = await Promise.all([alice.waitForDelivered(all), bob.waitForDelivered(all)]);
      assertShownOnceInOrder(seenByAlice, typedOffline);
      assertShownOnceInOrder(seenByBob, typedOffline);
      assert.equal(countOf(seenByAlice, 'bob: while alice is away'), 1);
      assert.deepEqual(deliveredLog(seenByAlice), deliveredLog(seenByBob));
    } finally {
      await Promise.all([alice.close(), bob.close()]);
    }
  });

  test('a message whose acknowledgement was cut off is delivered once after the reconnect', { skip: world.skip }, async () => {
    const [alice, bob] = await Promise.all([world.open(), world.open()]);
    try {
      const text = 'alice: sent just before the line dropped';
      await cutConnectionBeforeAck(alice, text, 'drop');
      await alice.send(text);
      // The page reconnects by itself and sends the message again with the same client
      // offset; the server acknowledges it as a repeat.
      await alice.waitForStatus('offline');
      const [seenByAlice, seenByBob] = await Promise.all([alice.waitForDelivered([text]), bob.waitForDelivered([text])]);
      assert.equal(countOf(seenByAlice, text), 1);
      assert.equal(countOf(seenByBob, text), 1);
      assert.deepEqual(deliveredLog(seenByAlice), deliveredLog(seenByBob));
    } finally {
      await Promise.all([alice.close(), bob.close()]);
    }
  });

  test('a message not acknowledged before a reload is sent after it, once', { skip: world.skip }, async () => {
    const alice = await world.open();
    try {
      const stored = 'alice: stored, but the page reloaded before the ack';
      const unsent = 'alice: typed, never sent before the reload';
      await cutConnectionBeforeAck(alice, stored, 'disconnect');
      await alice.send(stored);
      await alice.waitForStatus('offline');
      await alice.send(unsent);
      await alice.page.reload();
      const shown = await alice.waitForDelivered([stored, unsent]);
      assertShownOnceInOrder(shown, [stored, unsent]);
    } finally {
      await alice.close();
    }
  });

  test('a fresh page and a reload show the whole history once, in order', { skip: world.skip }, async () => {
    const tutorial = tutorialClient(world.url);
    const alice = await world.open();
    try {
      // A last message marks the end of everything the earlier tests stored.
      const marker = await tutorial.emitWithAck('chat message', 'tutorial client: end of history', 'history-marker');
      assert.ok(marker.ok);
      const end = marker.data.serverOffset;
      await eventually(() => tutorial.deliveries.some((delivery) => delivery.serverOffset === end), 'the tutorial client got the whole history');
      const expected = tutorial.deliveries.map((delivery): [number, string] => [delivery.serverOffset, delivery.text]);
      assert.deepEqual(
        expected.map(([offset]) => offset),
        expected.map((_, index) => index + 1),
        'the server sent offsets 1, 2, 3, … with no gap',
      );
      const reachedEnd = (messages: ShownMessage[]): boolean => messages.some((message) => message.offset === end && message.state === 'delivered');

      assert.deepEqual(deliveredLog(await alice.waitForMessages('the fresh page reached the end', reachedEnd)), expected);
      await alice.page.reload();
      await alice.waitForStatus('online');
      assert.deepEqual(deliveredLog(await alice.waitForMessages('the reloaded page reached the end', reachedEnd)), expected);
      assert.deepEqual(alice.problems, []);
    } finally {
      tutorial.close();
      await alice.close();
    }
  });
});
