import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canWriteFrames, encodeEvent, writeEvents, writeFrames, type EncodedEvent } from '../../src/delivery/ws-frames.js';
import { bareSocketIoWorld } from '../helpers/bare-socketio.js';
import { connected, eventually, tutorialClient } from '../helpers/clients.js';
import { quietFor } from '../helpers/waits.js';

/**
 * ws-frames.ts relies on engine.io internals (pre-encoded WebSocket frames passed through
 * `conn.write`). This fails if an upgrade of socket.io, engine.io or ws breaks them: a real
 * Socket.IO server, a real socket.io-client, and several events written as one buffer.
 */
describe('ws-frames: several events in one WebSocket write', () => {
  const world = bareSocketIoWorld();

  test('the client receives each framed event once, in order, among ordinary emits', async (t) => {
    const { client, socket } = await world.connect(t, ['websocket']);
    assert.equal(canWriteFrames(socket), true);

    // Frame headers of every size class: 7-bit, 16-bit and 64-bit payload lengths.
    const texts = ['hello', 'é ☃ 😀 "quoted" \\ back', 'x'.repeat(200), 'y'.repeat(70_000)];
    const frames = (from: number) =>
      Buffer.concat(texts.map((text, index) => chatMessage(text, from + index).frame));
    writeFrames(socket, frames(1));
    socket.emit('chat message', 'ordinary', 5);
    writeFrames(socket, frames(6));

    const expected = [
      ...texts.map((text, index) => ({ text, serverOffset: 1 + index })),
      { text: 'ordinary', serverOffset: 5 },
      ...texts.map((text, index) => ({ text, serverOffset: 6 + index })),
    ];
    await eventually(() => client.deliveries.length >= expected.length, 'all deliveries');
    // A moment for anything extra (a duplicate, a stray packet) to arrive too.
    await quietFor(100, 'a duplicate or a stray packet');
    assert.deepEqual(client.deliveries, expected);
    assert.equal(client.connected, true);
  });

  test('HTTP long-polling cannot take frames, and gets the same events one engine.io message each', async (t) => {
    const { client, socket } = await world.connect(t, ['polling']);
    assert.equal(canWriteFrames(socket), false);

    const events = ['one', 'two ☃', 'three'].map((text, index) => chatMessage(text, index + 1));
    writeEvents(socket, events.slice(0, 2));
    socket.emit('chat message', 'ordinary', 3);
    writeEvents(socket, events.slice(2));
    await eventually(() => client.deliveries.length >= 4, 'all deliveries');
    await quietFor(100, 'a duplicate or a stray packet');
    assert.deepEqual(client.deliveries, [
      { text: 'one', serverOffset: 1 },
      { text: 'two ☃', serverOffset: 2 },
      { text: 'ordinary', serverOffset: 3 },
      { text: 'three', serverOffset: 3 },
    ]);
  });

  test('writeEvents over a WebSocket: one shared buffer for many sockets', async (t) => {
    const clients = [0, 1, 2].map(() => tutorialClient(world.url, { transports: ['websocket'] }));
    t.after(() => clients.forEach((client) => client.close()));
    await Promise.all(clients.map((client) => connected(client)));
    const events = ['a', 'b', 'c'].map((text, index) => chatMessage(text, index + 1));
    const shared = Buffer.concat(events.map((event) => event.frame));
    for (const client of clients) writeEvents(await world.serverSocketOf(client.id), events, shared);
    await eventually(() => clients.every((client) => client.deliveries.length >= 3), 'all deliveries');
    for (const client of clients) assert.deepEqual(client.deliveries.map((d) => d.text), ['a', 'b', 'c']);
  });

  test('binary arguments are not encoded as one packet', () => {
    assert.equal(encodeEvent(world.server.io.encoder, '/', ['chat message', Buffer.from([1, 2, 3]), 1]), undefined);
  });

  /** A `chat message` event, encoded. */
  function chatMessage(text: string, offset: number): EncodedEvent {
    return encodeEvent(world.server.io.encoder, '/', ['chat message', text, offset]) ?? assert.fail('a text event must encode');
  }
});
