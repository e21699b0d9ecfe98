import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connected, eventually, tutorialClient } from '../helpers/clients.js';
import { startServer } from '../helpers/server.js';

/**
 * One process (in-memory adapter): Socket.IO's connection state recovery restores a
 * briefly disconnected client and replays what it missed; Parley must neither repeat
 * nor drop a message at that seam, and must still run its middleware on recovery.
 */
test('a recovered connection gets what it missed once, in order, and passes the middleware again', async (t) => {
  const server = await startServer({ entry: 'main' });
  t.after(() => server.stop());
  const reader = tutorialClient(server.url, { transports: ['websocket'] });
  const writer = tutorialClient(server.url, { transports: ['websocket'] });
  t.after(() => {
    reader.close();
    writer.close();
  });
  await Promise.all([connected(reader), connected(writer)]);

  const send = async (text: string): Promise<number> => {
    const ack = await writer.emitWithAck('chat message', text, `${writer.id}-${text}`);
    assert.ok(ack.ok);
    return ack.data.serverOffset;
  };
  for (let i = 0; i < 5; i++) await send(`before ${i}`);
  await eventually(() => reader.deliveries.length === 5, 'reader is live');

  const recovered = new Promise<boolean>((resolve) => reader.once('connect', () => resolve(reader.recovered)));
  reader.io.engine.close(); // a network blip: the client reconnects with its session id
  let last = 0;
  for (let i = 0; i < 5; i++) last = await send(`during ${i}`);
  assert.equal(await recovered, true, 'Socket.IO recovered the session');
  last = await send('after');
  await eventually(() => reader.deliveries.some((d) => d.serverOffset === last), 'reader gets the live message');
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.deepEqual(
    reader.deliveries.map((d) => d.serverOffset),
    Array.from({ length: last }, (_, i) => i + 1),
    'every offset once, in order',
  );

  // Recovery runs the middleware: a session whose handshake auth turned invalid is refused.
  (reader.auth as { serverOffset: unknown }).serverOffset = 'not a number';
  const refused = new Promise<Error>((resolve) => reader.once('connect_error', resolve));
  reader.io.engine.close();
  assert.match((await refused).message, /serverOffset/);
});
