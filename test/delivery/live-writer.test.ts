import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { io as connect } from 'socket.io-client';
import { EncodedEvents } from '../../src/delivery/encoded-events.js';
import { LiveWriter } from '../../src/delivery/live-writer.js';
import { OutboundLimit } from '../../src/delivery/outbound-limit.js';
import { RoomFeed } from '../../src/delivery/room-feed.js';
import { createRoomWire } from '../../src/delivery/room-wire.js';
import { tutorialWire } from '../../src/delivery/tutorial-wire.js';
import type { Wire } from '../../src/delivery/wire.js';
import { createLogger } from '../../src/log.js';
import type { MessageEnvelope, RoomEvent } from '../../src/shared/events.js';
import type { Store } from '../../src/store/store.js';
import type { ParleySocket } from '../../src/types.js';
import { startBareSocketIo, type BareSocketIo } from '../helpers/bare-socketio.js';
import { connected, eventually, tutorialClient, type ChatSocket } from '../helpers/clients.js';
import { storeWithGeneralRoom } from '../store/harness.js';
import { quietFor } from '../helpers/waits.js';

const envelope = (offset: number, extra: Partial<MessageEnvelope> = {}): MessageEnvelope => ({
  roomId: 1,
  offset,
  author: 'ann',
  authorId: 'g:ann',
  text: `message ${offset}`,
  createdAt: 1_700_000_000_000 + offset,
  kind: 'message',
  target: null,
  clientId: null,
  ...extra,
});

/** Engine.io packets the server writes to this socket from now on. */
function countPackets(socket: ParleySocket): () => number {
  let count = 0;
  socket.conn.on('packetCreate', (packet: { type: string }) => {
    if (packet.type === 'message') count += 1;
  });
  return () => count;
}

/**
 * The live stream's writer, on a real Socket.IO server with real clients: all the messages
 * of one flush reach a WebSocket as one engine.io packet (one socket write), each message is
 * encoded once whatever the number of sockets, long-polling clients get the same events,
 * and the room protocol's sender is left out of its own event.
 */
describe('LiveWriter: one write per socket per flush', () => {
  let server: BareSocketIo;
  before(async () => {
    server = await startBareSocketIo();
  });
  after(() => server.close());

  test('a flush of three messages is one packet per WebSocket, encoded once, and three over long-polling', async (t) => {
    const clients = [
      tutorialClient(server.url, { transports: ['websocket'] }),
      tutorialClient(server.url, { transports: ['websocket'] }),
      tutorialClient(server.url, { transports: ['polling'] }),
    ];
    t.after(() => clients.forEach((client) => client.close()));
    await Promise.all(clients.map((client) => connected(client)));
    const sockets = await Promise.all(clients.map((client) => server.serverSocketOf(client.id)));
    for (const socket of sockets) await socket.join('tutorial:1');
    const packets = sockets.map(countPackets);
    let encodings = 0;
    const countingWire: Wire = { ...tutorialWire, event: (message) => (encodings++, tutorialWire.event(message)) };

    const writer = new LiveWriter(server.io.of('/'), new EncodedEvents(server.io.encoder), new OutboundLimit(4 * 1024 * 1024, createLogger('silent')));
    writer.write(countingWire, 'tutorial:1', [envelope(1), envelope(2), envelope(3)]);

    await eventually(() => clients.every((client) => client.deliveries.length === 3), 'every client gets all three');
    for (const client of clients) {
      assert.deepEqual(client.deliveries, [1, 2, 3].map((offset) => ({ text: `message ${offset}`, serverOffset: offset })));
    }
    assert.equal(encodings, 3, 'each message encoded once for all sockets');
    assert.deepEqual(
      packets.map((count) => count()),
      [1, 1, 3],
      'one packet per WebSocket; one per message over long-polling',
    );
  });

  test('the room wire leaves out the sender of an event, and only of that event', async (t) => {
    const clients = [0, 1].map(() => connect(server.url, { transports: ['websocket'], forceNew: true }) as ChatSocket);
    t.after(() => clients.forEach((client) => client.close()));
    const received = clients.map(() => [] as RoomEvent[]);
    clients.forEach((client, index) => client.on('room:event', (event) => received[index]?.push(event)));
    await Promise.all(clients.map((client) => connected(client)));
    const [sender, other] = await Promise.all(clients.map((client) => server.serverSocketOf(client.id)));
    assert.ok(sender && other);
    await sender.join('room:1');
    await other.join('room:1');
    const wire = createRoomWire();

    const writer = new LiveWriter(server.io.of('/'), new EncodedEvents(server.io.encoder), new OutboundLimit(4 * 1024 * 1024, createLogger('silent')));
    writer.write(wire, 'room:1', [envelope(1), envelope(2, { origin: sender.id, clientId: 'c-2' }), envelope(3)]);

    await eventually(() => received[1]?.length === 3, 'the other socket gets all three');
    await eventually(() => received[0]?.length === 2, 'the sender gets the two others');
    await quietFor(50, 'the sender getting its own message');
    assert.deepEqual(received[0]?.map((event) => event.offset), [1, 3]);
    assert.deepEqual(received[1]?.map((event) => event.offset), [1, 2, 3]);
  });
});

/** The feed batches what it delivers in one event-loop turn, and a waiter wakes after the write. */
describe('RoomFeed: one flush per turn', () => {
  let store: Store;
  let general: number;
  let closeStore: () => Promise<void>;
  before(async () => {
    ({ store, general, close: closeStore } = await storeWithGeneralRoom());
  });
  after(async () => {
    await closeStore();
  });

  test('messages offered in one turn are emitted together; reach resolves only once they were emitted', async () => {
    const flushes: number[][] = [];
    const feed = new RoomFeed(general, store, (messages) => flushes.push(messages.map((m) => m.offset)), createLogger('silent'));
    await feed.ready;
    const start = feed.head;
    const stored: MessageEnvelope[] = [];
    for (let index = 0; index < 5; index++) {
      const { message } = await store.appendMessage({ roomId: general, author: 'ann', text: `m${index}`, idempotencyKey: null });
      stored.push(message);
    }

    let reached = false;
    const reach = feed.reach(start + 3).then(() => {
      reached = true;
      assert.deepEqual(flushes, [[start + 1, start + 2, start + 3]], 'the write came before the waiter woke');
    });
    // Out of order within the turn: the feed still emits in offset order.
    for (const message of [stored[2], stored[0], stored[1]]) if (message) feed.offer(message);
    assert.equal(feed.head, start + 3, 'head counts the turn’s messages at once');
    assert.deepEqual(flushes, [], 'nothing is written before the end of the turn');
    await Promise.resolve();
    assert.equal(reached, false, 'reach waits for the write');
    await reach;

    // The next turn's messages are the next flush.
    for (const message of stored.slice(3)) feed.offer(message);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(flushes, [
      [start + 1, start + 2, start + 3],
      [start + 4, start + 5],
    ]);
  });

  test('flush() writes the turn’s messages at once (what a socket joining the room relies on)', async () => {
    const flushes: number[][] = [];
    const feed = new RoomFeed(general, store, (messages) => flushes.push(messages.map((m) => m.offset)), createLogger('silent'));
    await feed.ready;
    const { message } = await store.appendMessage({ roomId: general, author: 'ann', text: 'joined after', idempotencyKey: null });
    feed.offer(message);
    feed.flush();
    assert.deepEqual(flushes, [[message.offset]]);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(flushes, [[message.offset]], 'the scheduled flush finds nothing left');
  });
});
