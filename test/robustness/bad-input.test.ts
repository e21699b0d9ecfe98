import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { io } from 'socket.io-client';
import { connected, tutorialClient } from '../helpers/clients.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { quietFor } from '../helpers/waits.js';

/**
 * Bad input gets a clear error (in the acknowledgement, or a refused connection with a
 * reason) and never crashes a worker or reaches the store.
 */
describe('bad input', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ workers: 2, env: { PARLEY_MAX_MESSAGE_LENGTH: '100', PARLEY_RATE_LIMIT: '20', PARLEY_RATE_BURST: '20' } });
  });
  after(async () => {
    // No worker died during the whole suite.
    assert.equal(server.logs().filter((line) => line.msg === 'worker died; forking a replacement').length, 0);
    assert.equal(await server.stop(), 0);
  });

  test('wrong types, deep nesting and oversize text get error acknowledgements and are not stored', async (t) => {
    const client = tutorialClient(server.url, { transports: ['websocket'] });
    t.after(() => client.close());
    await connected(client);
    let nested: unknown = 'x';
    for (let i = 0; i < 1000; i++) nested = [nested];
    const cases: [unknown, unknown, string][] = [
      [42, `${client.id}-1`, 'INVALID_PAYLOAD'],
      [{ text: 'object' }, `${client.id}-2`, 'INVALID_PAYLOAD'],
      [nested, `${client.id}-3`, 'INVALID_PAYLOAD'],
      ['', `${client.id}-4`, 'INVALID_PAYLOAD'],
      ['x'.repeat(101), `${client.id}-5`, 'MESSAGE_TOO_LONG'],
      ['nul \u0000 inside', `${client.id}-6`, 'INVALID_PAYLOAD'],
      ['fine text', { offset: 1 }, 'INVALID_PAYLOAD'],
      ['fine text', 'o'.repeat(300), 'INVALID_PAYLOAD'],
    ];
    for (const [text, clientOffset, error] of cases) {
      const ack = await client.timeout(5000).emitWithAck('chat message', text, clientOffset);
      assert.equal(ack.ok, false);
      assert.equal(!ack.ok && ack.error, error);
    }
    assert.equal(client.deliveries.length, 0, 'nothing was broadcast');
    const good = await client.emitWithAck('chat message', 'still works', `${client.id}-9`);
    assert.ok(good.ok);
  });

  test('an event without an acknowledgement callback, or with too many arguments, does not crash', async (t) => {
    const client = tutorialClient(server.url, { transports: ['websocket'] });
    t.after(() => client.close());
    await connected(client);
    client.emit('chat message', 'no ack wanted', `${client.id}-1`);
    (client.emit as (...args: unknown[]) => void)('chat message');
    const unknown = await (client.emitWithAck as (...args: unknown[]) => Promise<unknown>)('no such event', 1, 2, 3);
    assert.deepEqual(unknown, { ok: false, error: 'UNKNOWN_EVENT', message: 'no such event' });
    const started = Date.now();
    const ack = await client.emitWithAck('chat message', 'after', `${client.id}-2`);
    assert.ok(ack.ok);
    assert.ok(Date.now() - started < 5000, 'nothing left waiting for a retry');
  });

  test('a flood is refused with RATE_LIMITED and the connection stays usable', async (t) => {
    const client = tutorialClient(server.url, { transports: ['websocket'] });
    t.after(() => client.close());
    await connected(client);
    const acks = await Promise.all(
      Array.from({ length: 60 }, (_, i) => client.timeout(5000).emitWithAck('chat message', `flood ${i}`, `${client.id}-f${i}`)),
    );
    const limited = acks.filter((ack) => !ack.ok && ack.error === 'RATE_LIMITED').length;
    assert.ok(limited >= 30, `most of the flood refused (${limited})`);
    assert.ok(acks.filter((ack) => ack.ok).length >= 15, 'the burst allowance was stored');
  });

  test('a packet above the size limit closes only that connection', async (t) => {
    const client = tutorialClient(server.url, { transports: ['websocket'] });
    t.after(() => client.close());
    await connected(client);
    const closed = new Promise((resolve) => client.once('disconnect', resolve));
    client.emit('chat message', 'y'.repeat(2_000_000), `${client.id}-big`);
    assert.equal(await closed, 'transport close');
    const other = tutorialClient(server.url, { transports: ['websocket'] });
    t.after(() => other.close());
    await connected(other);
  });

  test('a bad handshake offset is refused with a reason', async (t) => {
    const client = io(server.url, { auth: { serverOffset: 'lots' }, transports: ['websocket'], reconnection: false, forceNew: true });
    t.after(() => client.close());
    const error = await new Promise<Error>((resolve) => client.once('connect_error', resolve));
    assert.match(error.message, /serverOffset/);
  });

  test('a browser on another origin is refused', async () => {
    const response = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: 'https://evil.example' } });
    assert.equal(response.status, 403);
    const sameOrigin = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: server.url } });
    assert.equal(sameOrigin.status, 200);
  });

  test('malformed engine.io and socket.io packets do not crash a worker', async () => {
    const deep = `42["chat message",${'['.repeat(200_000)}1${']'.repeat(200_000)},"x-1"]`;
    for (const payload of [deep, 'garbage', '4', '42["chat message"', '42[]', '42{"a":1}', '4' + '['.repeat(10000), '2probe', '451-["chat message",{"_placeholder":true,"num":0}]']) {
      const socket = new WebSocket(`${server.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
      await new Promise((resolve, reject) => {
        socket.once('open', resolve);
        socket.once('error', reject);
      });
      socket.send('40');
      socket.send(payload);
      await quietFor(50, 'the server answering the bad packet (or crashing on it)');
      socket.close();
    }
    const polling = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling&sid=0.nope.nope`, { method: 'POST', body: '42["x"' });
    assert.equal(polling.status, 400);
    const client = tutorialClient(server.url, { transports: ['websocket'] });
    await connected(client);
    const ack = await client.emitWithAck('chat message', 'alive', `${client.id}-alive`);
    assert.ok(ack.ok);
    client.close();
  });
});
