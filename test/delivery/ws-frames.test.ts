import assert from 'node:assert/strict';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Server } from 'socket.io';
import { canWriteFrames, eventFrame, writeFrames } from '../../src/delivery/ws-frames.js';
import type { ParleyServer, ParleySocket } from '../../src/types.js';
import { connected, eventually, tutorialClient } from '../helpers/clients.js';

/**
 * ws-frames.ts relies on engine.io internals (pre-encoded WebSocket frames passed through
 * `conn.write`). This fails if an upgrade of socket.io, engine.io or ws breaks them: a real
 * Socket.IO server, a real socket.io-client, and several events written as one buffer.
 */
describe('ws-frames: several events in one WebSocket write', () => {
  let http: HttpServer;
  let io: ParleyServer;
  let url: string;
  const sockets: ParleySocket[] = [];

  before(async () => {
    http = createServer();
    io = new Server(http) as ParleyServer;
    io.on('connection', (socket) => sockets.push(socket));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  after(async () => {
    await io.close();
  });

  const serverSocketOf = async (id: string | undefined): Promise<ParleySocket> => {
    await eventually(() => sockets.some((socket) => socket.id === id), 'server socket');
    const socket = sockets.find((candidate) => candidate.id === id);
    assert.ok(socket);
    return socket;
  };

  test('the client receives each framed event once, in order, among ordinary emits', async (t) => {
    const client = tutorialClient(url, { transports: ['websocket'] });
    t.after(() => client.close());
    await connected(client);
    const socket = await serverSocketOf(client.id);
    assert.equal(canWriteFrames(socket), true);

    // Frame headers of every size class: 7-bit, 16-bit and 64-bit payload lengths.
    const texts = ['hello', 'é ☃ 😀 "quoted" \\ back', 'x'.repeat(200), 'y'.repeat(70_000)];
    const frames = (from: number) =>
      Buffer.concat(texts.map((text, index) => eventFrame(io.encoder, '/', ['chat message', text, from + index]) ?? assert.fail('no frame')));
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
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(client.deliveries, expected);
    assert.equal(client.connected, true);
  });

  test('HTTP long-polling cannot take frames', async (t) => {
    const client = tutorialClient(url, { transports: ['polling'] });
    t.after(() => client.close());
    await connected(client);
    assert.equal(canWriteFrames(await serverSocketOf(client.id)), false);
  });

  test('binary arguments are not framed', () => {
    assert.equal(eventFrame(io.encoder, '/', ['chat message', Buffer.from([1, 2, 3]), 1]), undefined);
  });
});
