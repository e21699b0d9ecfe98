import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bufferedBytes, queuedPackets, waitUntilWritable, writeQueue } from '../../src/delivery/writable.js';
import { bareSocketIoWorld } from '../helpers/bare-socketio.js';
import { eventually } from '../helpers/clients.js';

/**
 * writable.ts paces catch-up on engine.io and ws internals (engine.io 6.6, ws 8). This
 * fails if an upgrade changes them: a real Socket.IO server and a real socket.io-client on
 * each transport.
 */
describe('writable: catch-up pacing on both transports', () => {
  const world = bareSocketIoWorld();

  test('long-polling: packets wait in engine.io for the next poll, and the wait ends when it takes them', async (t) => {
    const { client, socket } = await world.connect(t, ['polling']);
    for (let batch = 0; batch < 20; batch++) {
      // At most the first emit leaves at once (if a poll is waiting); the rest wait for the next.
      for (let index = 1; index <= 3; index++) socket.emit('chat message', 'polled', batch * 3 + index);
      assert.ok(queuedPackets(socket.conn) >= 2, `batch ${batch}: packets queued for the next poll`);
      const startedAt = Date.now();
      await waitUntilWritable(socket);
      assert.equal(queuedPackets(socket.conn), 0, `batch ${batch}: handed to a poll`);
      // Far below the 1 s a missed event costs: the wait ended on the hand-over itself.
      assert.ok(Date.now() - startedAt < 500, `batch ${batch}: waited ${Date.now() - startedAt} ms`);
    }
    await eventually(() => client.deliveries.length === 60, 'all 60 events');
    assert.deepEqual(
      client.deliveries.map((delivery) => delivery.serverOffset),
      Array.from({ length: 60 }, (_, index) => index + 1),
    );
  });

  test('long-polling: engine.io hands its queue over whole and starts a new array (the outbound limit keys on it)', async (t) => {
    const { client, socket } = await world.connect(t, ['polling']);
    await waitUntilWritable(socket);
    socket.emit('chat message', 'first', 1);
    socket.emit('chat message', 'second', 2);
    const queue = writeQueue(socket.conn);
    assert.ok(queue.length >= 1, 'waiting for the next poll');
    await waitUntilWritable(socket);
    assert.notEqual(writeQueue(socket.conn), queue, 'a new queue after the hand-over');
    await eventually(() => client.deliveries.length === 2, 'both events');
  });

  test('WebSocket: the bytes ws holds unsent are visible', async (t) => {
    const { client, socket } = await world.connect(t, ['websocket']);
    const webSocket = (socket.conn.transport as unknown as { socket?: { bufferedAmount?: unknown; _socket?: { once?: unknown } } }).socket;
    assert.equal(typeof webSocket?.bufferedAmount, 'number');
    assert.equal(typeof webSocket?._socket?.once, 'function');
    assert.equal(typeof (webSocket as { terminate?: unknown } | undefined)?.terminate, 'function', 'the outbound limit can drop a stalled WebSocket at once');
    assert.equal(bufferedBytes(socket.conn), webSocket?.bufferedAmount);
    assert.equal(queuedPackets(socket.conn), 0);
    socket.emit('chat message', 'x'.repeat(1_000_000), 1);
    await waitUntilWritable(socket);
    assert.ok(bufferedBytes(socket.conn) < 128 * 1024);
    await eventually(() => client.deliveries.length === 1, 'the large event');
  });
});
