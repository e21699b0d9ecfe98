import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import type { SentMessage } from '../../src/shared/events.js';
import { ackOf } from '../helpers/ack.js';
import { newBrowser, Tab } from '../helpers/room-client.js';
import { startServer } from '../helpers/server.js';
import { skipUnlessAvailable } from '../helpers/services.js';
import { postgresHarness, postgresReachable, postgresUrl } from '../store/harness.js';
import { ProtocolCounter } from '../store/protocol-counter.js';

const skip = skipUnlessAvailable('PostgreSQL', await postgresReachable(), `at ${new URL(postgresUrl).host}`);

/** Messages sent one at a time, each its own group commit. */
const MESSAGES = 20;

/**
 * Issue 23, item 5: a writer's room and membership are read once per follow, not at the door
 * of every message (src/events/access.ts, Follows.rememberMember). Counted on the wire to
 * PostgreSQL: a `message:send` on a followed room costs the append's one round trip. With
 * the two reads back at the door it would cost three (measured: 60 round trips for 20
 * messages before, 20 after).
 */
describe('the door of message:send, on PostgreSQL', { skip }, () => {
  test('a followed room costs one store round trip per message: the append', async (t) => {
    const harness = await postgresHarness();
    t.after(() => harness.dispose());
    const url = new URL(harness.databaseUrl);
    const counter = await ProtocolCounter.start({ host: url.hostname, port: Number(url.port || 5432) });
    t.after(() => counter.close());
    url.hostname = '127.0.0.1';
    url.port = String(counter.port);
    const server = await startServer({ entry: 'main', env: { PARLEY_DATABASE_URL: url.href } });
    t.after(() => server.stop());
    const browser = newBrowser();
    const tab = await Tab.open(server.url, { browser });
    t.after(() => tab.close());
    const room = await tab.must('room:create', { name: `reads-${randomUUID().slice(0, 8)}` });
    await tab.must('room:join', { roomId: room.id });
    // The first message reads the room and the membership once, for this follow.
    await tab.send(room.id, 'warm-up');

    counter.reset();
    const sent: SentMessage[] = [];
    for (let index = 0; index < MESSAGES; index++) sent.push(await tab.send(room.id, `m${index}`));
    const roundTrips = counter.counts.sync + counter.counts.query;

    assert.deepEqual(
      sent.map((message) => message.serverOffset),
      Array.from({ length: MESSAGES }, (_, index) => sent[0]!.serverOffset + index),
      'every message stored, in order',
    );
    // A little room for the server's own background work (name renewals, readiness).
    assert.ok(roundTrips <= MESSAGES + 4, `${roundTrips} store round trips for ${MESSAGES} messages: a read came back at the door`);

    // What the follow remembered ends with the membership: another tab of the user leaves
    // the room, and this tab, which wrote there a moment ago, is refused.
    const otherTab = await Tab.open(server.url, { browser });
    t.after(() => otherTab.close());
    await otherTab.must('room:leave', { roomId: room.id });
    await tab.waitFor(() => tab.removed.includes(room.id), 'the first tab hears of the leave');
    const refused = await tab.call('message:send', { roomId: room.id, text: 'gone?', clientId: randomUUID() });
    assert.equal(refused.ok ? 'stored' : refused.error, 'NOT_MEMBER');
  });

  test('what a follow remembered is not kept across an identity change, even back to the same account', async (t) => {
    const server = await startServer({ workers: 1 });
    t.after(() => server.stop());
    const [tab, otherTab] = [await Tab.open(server.url, { browser: newBrowser() }), await Tab.open(server.url, { browser: newBrowser() })];
    t.after(() => [tab, otherTab].forEach((each) => each.close()));
    const credentials = { username: `al${randomUUID().slice(0, 8)}`, password: 'correct horse battery' };
    assert.equal((await ackOf(tab.socket, 'account:register', credentials)).ok, true);
    const room = await tab.must('room:create', { name: `ident-${randomUUID().slice(0, 8)}` });
    await tab.must('room:join', { roomId: room.id });
    await tab.send(room.id, 'remembered');

    // Signed out, this tab is not in the account's room: the leave of its other browser misses it.
    assert.equal((await ackOf(tab.socket, 'account:logout', {})).ok, true);
    assert.equal((await ackOf(otherTab.socket, 'account:login', credentials)).ok, true);
    await otherTab.must('room:leave', { roomId: room.id });
    assert.equal((await ackOf(tab.socket, 'account:login', credentials)).ok, true);
    const refused = await tab.call('message:send', { roomId: room.id, text: 'gone?', clientId: randomUUID() });
    assert.equal(refused.ok ? 'stored' : refused.error, 'NOT_MEMBER');
  });
});
