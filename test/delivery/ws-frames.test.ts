import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { canWriteFrames, eventFrame, writeFrames } from '../../src/delivery/ws-frames.js';
import type { ParleySocket } from '../../src/types.js';
import { startBareSocketIo, type BareSocketIo } from '../helpers/bare-socketio.js';
import { connected, eventually, tutorialClient } from '../helpers/clients.js';

/**
 * ws-frames.ts relies on engine.io internals (pre-encoded WebSocket frames passed through
 * `conn.write`). This fails if an upgrade of socket.io, engine.io or ws breaks them: a real
 * Socket.IO server, a real socket.io-client, and several events written as one buffer.
 */
describe('ws-frames: several events in one WebSocket write', () => {
  let server: BareSocketIo;
  let url: string;
  before(async () => {
    server = await startBareSocketIo();
    url = server.url;
  });
  after(() => server.close());
  const serverSocketOf = (id: string | undefined): Promise<ParleySocket> => server.serverSocketOf(id);

  test('the client receives each framed event once, in order, among ordinary emits', async (t) => {
    const client = tutorialClient(url, { transports: ['websocket'] });
    t.after(() => client.close());
    await connected(client);
    const socket = await serverSocketOf(client.id);
    assert.equal(canWriteFrames(socket), true);

    // Frame headers of every size class: 7-bit, 16-bit and 64-bit payload lengths.
    const texts = ['hello', 'é ☃ 😀 "quoted" \\ back', 'x'.repeat(200), 'y'.repeat(70_000)];
    const frames = (from: number) =>
      Buffer.concat(texts.map((text, index) => eventFrame(server.io.encoder, '/', ['chat message', text, from + index]) ?? assert.fail('no frame')));
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
    assert.equal(eventFrame(server.io.encoder, '/', ['chat message', Buffer.from([1, 2, 3]), 1]), undefined);
  });
});
