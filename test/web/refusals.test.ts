// The chat page when the server refuses a message: a reason the sender can read, and
// automatic retries where waiting helps (rate limit).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { countOf } from './chat-page.js';
import { chatWorld } from './world.js';

describe('the chat page, when the server refuses', () => {
  // Short texts and a small burst, so a person can hit both limits.
  const world = chatWorld({ workers: 2, env: { PARLEY_MAX_MESSAGE_LENGTH: '40', PARLEY_RATE_LIMIT: '2', PARLEY_RATE_BURST: '2' } });

  test('a message too long shows the reason, is never shown to others, and can be dismissed', { skip: world.skip }, async () => {
    const [alice, bob] = await Promise.all([world.open(), world.open()]);
    try {
      const tooLong = 'alice: this message is longer than forty characters';
      const next = 'alice: short';
      await alice.send(tooLong);
      await alice.send(next);
      const shown = await alice.waitForMessages('the long message refused, the next delivered', (messages) =>
        messages.some((message) => message.text === tooLong && message.state === 'failed') &&
        messages.some((message) => message.text === next && message.state === 'delivered'),
      );
      assert.equal(shown.at(-1)?.text, tooLong, `the refused message stays below the delivered ones: ${JSON.stringify(shown)}`);
      const item = alice.page.locator('#messages > li[data-state="failed"]');
      assert.match((await item.locator('.note').textContent()) ?? '', /Not sent: .*longer than 40/);
      assert.deepEqual(await item.locator('button').allTextContents(), ['Dismiss'], 'no retry for what cannot succeed');

      // The refusal did not hold up the queue, and nobody else saw the refused text.
      const seenByBob = await bob.waitForDelivered([next]);
      assert.equal(countOf(seenByBob, tooLong), 0);
      await item.getByRole('button', { name: 'Dismiss' }).click();
      await alice.waitForMessages('the refused message dismissed', (messages) => countOf(messages, tooLong) === 0);
      assert.deepEqual([...alice.problems, ...bob.problems], []);
    } finally {
      await Promise.all([alice.close(), bob.close()]);
    }
  });

  test('messages over the rate limit wait and go out by themselves, once each, in order', { skip: world.skip }, async () => {
    const [alice, bob] = await Promise.all([world.open(), world.open()]);
    try {
      const burst = ['alice: one', 'alice: two', 'alice: three', 'alice: four', 'alice: five'];
      for (const text of burst) await alice.send(text);
      const [seenByAlice, seenByBob] = await Promise.all([alice.waitForDelivered(burst), bob.waitForDelivered(burst)]);
      for (const messages of [seenByAlice, seenByBob]) {
        const delivered = messages.filter((message) => burst.includes(message.text));
        assert.deepEqual(delivered.map((message) => message.text), burst, 'each once, in the order typed');
      }
    } finally {
      await Promise.all([alice.close(), bob.close()]);
    }
  });
});
