import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connected, eventually, tutorialClient } from '../helpers/clients.js';
import { startServer } from '../helpers/server.js';
import { signedSessionId } from '../helpers/session-cookies.js';
import { quietFor } from '../helpers/waits.js';

/**
 * The reader carries its browser session's cookie, as the tutorial's page in a browser
 * does: recovery is bound to it (test/accounts/recovery-takeover.test.ts).
 */
const asBrowser = (): { cookie: string } => ({ cookie: `parley_session=${signedSessionId()}` });

/**
 * One process (in-memory adapter): Socket.IO's connection state recovery restores a
 * briefly disconnected client and replays what it missed; Parley must neither repeat
 * nor drop a message at that seam, and must still run its middleware on recovery.
 */
test('a recovered connection gets what it missed once, in order, and passes the middleware again', async (t) => {
  const server = await startServer({ entry: 'main' });
  t.after(() => server.stop());
  const reader = tutorialClient(server.url, { transports: ['websocket'], extraHeaders: asBrowser() });
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
  await quietFor(200, 'a late duplicate');
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

/**
 * A recovered connection is caught up from the store like any other, and joins the live
 * room only at the end of its catch-up. Were it put back in the live room by the recovery
 * itself, messages sent during its catch-up would reach it out of order and twice: small
 * catch-up batches and a writer that keeps sending make that seam wide.
 */
test('a recovered connection that rewinds its offset catches up while messages flow, each once, in order', async (t) => {
  const server = await startServer({ entry: 'main', env: { PARLEY_CATCHUP_BATCH: '3' } });
  t.after(() => server.stop());
  const reader = tutorialClient(server.url, { transports: ['websocket'], extraHeaders: asBrowser() });
  const writer = tutorialClient(server.url, { transports: ['websocket'] });
  t.after(() => {
    reader.close();
    writer.close();
  });
  await Promise.all([connected(reader), connected(writer)]);
  let sent = 0;
  const send = async (): Promise<number> => {
    sent += 1;
    const ack = await writer.emitWithAck('chat message', `message ${sent}`, `${writer.id}-${sent}`);
    assert.ok(ack.ok);
    return ack.data.serverOffset;
  };
  let last = 0;
  for (let i = 0; i < 60; i++) last = await send();
  await eventually(() => reader.deliveries.some((d) => d.serverOffset === last), 'reader is live');

  // The reader forgets what it saw (a client that lost its local copy), then drops its
  // transport; the writer keeps sending through the reconnect and the catch-up.
  reader.deliveries.length = 0;
  (reader.auth as { serverOffset: number }).serverOffset = 0;
  const recovered = new Promise<boolean>((resolve) => reader.once('connect', () => resolve(reader.recovered)));
  reader.io.engine.close();
  for (let i = 0; i < 120; i++) last = await send();
  assert.equal(await recovered, true, 'Socket.IO recovered the session');
  await eventually(() => reader.deliveries.some((d) => d.serverOffset === last), 'reader catches up and goes live');
  await quietFor(200, 'a late duplicate');
  assert.deepEqual(
    reader.deliveries.map((d) => d.serverOffset),
    Array.from({ length: last }, (_, i) => i + 1),
    'every offset once, in order',
  );
});
