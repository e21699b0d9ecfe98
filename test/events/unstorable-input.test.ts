import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { ackOf, codeOf } from '../helpers/ack.js';
import { connected, tutorialClient } from '../helpers/clients.js';
import { skipUnlessAvailable } from '../helpers/services.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { newBrowser, Tab } from '../helpers/room-client.js';
import { postgresHarness, postgresReachable, postgresUrl, type StoreHarness } from '../store/harness.js';
import { pace } from '../helpers/waits.js';

const skipPostgres = skipUnlessAvailable('PostgreSQL', await postgresReachable(), `at ${new URL(postgresUrl).host}`);


/**
 * Issue 10, defect 4: a NUL in `clientId` passed validation, PostgreSQL refused the whole
 * group commit, and other users' messages in the batch failed. Now every string field is
 * refused at the door, the same on both backends, and the others' messages are all stored.
 */
for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`text no backend can store is refused at the door: ${backend}`, { skip: backend === 'postgres' ? skipPostgres : false }, () => {
    let server: RunningServer;
    let harness: StoreHarness | undefined;
    before(async () => {
      let env = {};
      if (backend === 'postgres') {
        harness = await postgresHarness();
        await (await harness.open()).close();
        env = { PARLEY_DATABASE_URL: harness.databaseUrl };
      }
      server = await startServer({ workers: 2, env });
    });
    after(async () => {
      await server?.stop();
      await harness?.dispose();
    });

    test('NUL and lone surrogates in any field are INVALID_PAYLOAD, while everyone else is stored', async () => {
      const attacker = await Tab.open(server.url, { browser: newBrowser() });
      const room = await attacker.must('room:create', { name: `nul-${randomUUID()}` });
      const bad = [
        ['message:send', { roomId: room.id, text: 'hello', clientId: `a\u0000b` }],
        ['message:send', { roomId: room.id, text: 'hel\u0000lo', clientId: randomUUID() }],
        ['message:send', { roomId: room.id, text: 'lone \ud800 surrogate', clientId: randomUUID() }],
        ['message:send', { roomId: room.id, text: 'ok', clientId: `\udc00` }],
        ['room:create', { name: `bad\ud800name` }],
      ] as const;
      const senders = await Promise.all(Array.from({ length: 6 }, () => tutorialClient(server.url, { transports: ['websocket'] })));
      await Promise.all(senders.map((sender) => connected(sender)));
      // The attacker's bad events and 6 other clients' messages, all at once, so they would share batches.
      const [badAnswers, tutorialAnswers, nulOffsetAnswers] = await Promise.all([
        Promise.all(bad.map(([event, payload]) => ackOf(attacker.socket, event, payload))),
        Promise.all(senders.flatMap((sender, s) => Array.from({ length: 20 }, (_, n) => ackOf(sender, 'chat message', `s${s}-${n}`, `${sender.id}-${n}`)))),
        Promise.all(senders.map((sender) => ackOf(sender, 'chat message', 'offset with NUL', 'x\u0000y'))),
      ]);
      assert.deepEqual(badAnswers.map(codeOf), bad.map(() => 'INVALID_PAYLOAD'));
      assert.deepEqual(nulOffsetAnswers.map(codeOf), senders.map(() => 'INVALID_PAYLOAD'));
      assert.equal(tutorialAnswers.filter((answer) => answer.ok).length, 120, 'every other message was stored');
      const reader = tutorialClient(server.url, { transports: ['websocket'] });
      await connected(reader);
      const deadline = Date.now() + 10_000;
      while (reader.deliveries.length < 120 && Date.now() < deadline) await pace(50, 'the next look at the reader');
      assert.equal(new Set(reader.deliveries.map((delivery) => delivery.text)).size, 120);
      for (const socket of [reader, ...senders]) socket.close();
      attacker.close();
    });
  });
}
