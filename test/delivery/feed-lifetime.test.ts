import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Delivery } from '../../src/delivery/delivery.js';
import { RecentMessages } from '../../src/delivery/recent-messages.js';
import { tutorialWire } from '../../src/delivery/tutorial-wire.js';
import { createLogger } from '../../src/log.js';
import type { MessageEnvelope } from '../../src/shared/events.js';
import { StoreUnavailableError, type Store } from '../../src/store/store.js';
import { startBareSocketIo, type BareSocketIo } from '../helpers/bare-socketio.js';
import { connected, eventually, tutorialClient } from '../helpers/clients.js';
import { storeWithGeneralRoom } from '../store/harness.js';
import { letTimePass } from '../helpers/waits.js';

const envelope = (offset: number): MessageEnvelope => ({
  roomId: 1,
  offset,
  author: 'ann',
  text: `m${offset}`,
  createdAt: offset,
  kind: 'message',
  target: null,
  authorId: null,
  clientId: null,
});

describe('RecentMessages: a room’s latest messages in a ring that grows', () => {
  test('holds the last `capacity` messages, growing from a few slots', () => {
    const recent = new RecentMessages(64);
    for (let offset = 1; offset <= 100; offset++) recent.add(envelope(offset));
    assert.deepEqual(recent.range(37, 100)?.map((m) => m.offset), Array.from({ length: 64 }, (_, i) => 37 + i));
    assert.equal(recent.range(36, 100), undefined, 'beyond the capacity');
    assert.equal(recent.range(30, 40), undefined, 'overwritten');
    assert.deepEqual(recent.range(99, 100)?.map((m) => m.offset), [99, 100]);
  });

  test('a small room keeps every message while it has fewer than the capacity', () => {
    const recent = new RecentMessages(2048);
    for (let offset = 1; offset <= 300; offset++) recent.add(envelope(offset));
    assert.equal(recent.range(1, 300)?.length, 300);
  });
});

/**
 * Delivery opens a room's feed on first use and closes it once nobody on this server has
 * followed the room for two sweeps; a later follower gets a new feed and still every
 * message once, in order. A feed whose start failed (store down) is not kept.
 */
describe('Delivery: feeds close when unused and reopen on demand', () => {
  let store: Store;
  let general: number;
  let closeStore: () => Promise<void>;
  let server: BareSocketIo;
  before(async () => {
    ({ store, general, close: closeStore } = await storeWithGeneralRoom());
    server = await startBareSocketIo();
  });
  after(async () => {
    await server.close();
    await closeStore();
  });

  const append = async (text: string): Promise<MessageEnvelope> =>
    (await store.appendMessage({ roomId: general, author: 'ann', text, idempotencyKey: null })).message;

  test('a followed feed stays open; an unfollowed one closes; a new follower reopens it and misses nothing', async (t) => {
    const delivery = new Delivery(server.io, store, [tutorialWire], createLogger('silent'), { clustered: false, catchUpBatchSize: 50, feedSweepMs: 40 });
    t.after(() => delivery.close());
    await append('before anyone');

    const first = tutorialClient(server.url, { transports: ['websocket'] });
    t.after(() => first.close());
    await connected(first);
    assert.equal(await delivery.catchUp(await server.serverSocketOf(first.id), general, 0, tutorialWire), true);
    await letTimePass(200, 'feed sweeps (every 40 ms) while the feed is followed');
    assert.equal(delivery.hasFeed(general), true, 'a followed room keeps its feed');

    first.close();
    await eventually(() => !delivery.hasFeed(general), 'the unfollowed feed closes', 2_000);
    const stored = await append('while nobody followed');
    delivery.announce(stored); // no feed: nothing to do here

    const second = tutorialClient(server.url, { transports: ['websocket'] });
    t.after(() => second.close());
    await connected(second);
    assert.equal(await delivery.catchUp(await server.serverSocketOf(second.id), general, 0, tutorialWire), true);
    const live = await append('live');
    delivery.announce(live);
    await eventually(() => second.deliveries.length === live.offset, 'the second client gets everything');
    assert.deepEqual(
      second.deliveries.map((d) => d.serverOffset),
      Array.from({ length: live.offset }, (_, i) => i + 1),
    );
  });

  test('a feed that could not read its starting head is dropped, and the next use opens a working one', async (t) => {
    let failures = 1;
    const flaky = new Proxy(store, {
      get(target, property, receiver) {
        if (property === 'roomHead' && failures > 0) {
          failures -= 1;
          return () => Promise.reject(new StoreUnavailableError('store down (test)'));
        }
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const delivery = new Delivery(server.io, flaky, [tutorialWire], createLogger('silent'), { clustered: false, catchUpBatchSize: 50 });
    t.after(() => delivery.close());
    const client = tutorialClient(server.url, { transports: ['websocket'] });
    t.after(() => client.close());
    await connected(client);
    const socket = await server.serverSocketOf(client.id);

    await assert.rejects(delivery.catchUp(socket, general, 0, tutorialWire), StoreUnavailableError);
    assert.equal(delivery.hasFeed(general), false);
    assert.equal(await delivery.catchUp(socket, general, 0, tutorialWire), true);
    const head = await store.roomHead(general);
    await eventually(() => client.deliveries.length === head, 'caught up after the store came back');
  });
});
