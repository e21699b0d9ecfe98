import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { test } from 'node:test';
import { addressOf, browserSessionOf, keepConnectionFacts, noteBrowserSession } from '../../src/http/connection-facts.js';
import { bareSocketIoWorld } from '../helpers/bare-socketio.js';
import { eventually } from '../helpers/clients.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const world = bareSocketIoWorld();
/** The first request of each engine.io connection, weakly: whether anything still holds it. */
const firstRequests: WeakRef<IncomingMessage>[] = [];

test('the server is set up as Parley sets it up', () => {
  // Registered before keepConnectionFacts: engine.io calls its `connection` listeners in order.
  world.server.io.engine.on('connection', (conn: { request: IncomingMessage }) => {
    firstRequests.push(new WeakRef(conn.request));
    noteBrowserSession(conn.request, 'browser-session-of-this-test', 'carried');
  });
  keepConnectionFacts(world.server.io, []);
});

for (const transports of [['websocket'], ['polling', 'websocket']] as const) {
  test(`an open ${transports.join(' then ')} connection no longer holds its first HTTP request, and keeps what Parley reads of it`, async (t) => {
    const requestsBefore = firstRequests.length;
    const { client, socket } = await world.connect(t, [...transports]);
    if (transports.length === 2) await eventually(() => client.io.engine.transport.name === 'websocket', 'upgraded to websocket');
    assert.equal(firstRequests.length, requestsBefore + 1);
    const firstRequest = firstRequests.at(-1);
    assert.ok(firstRequest);

    // Collected while the connection is open: engine.io's socket and, on a WebSocket
    // upgrade, its stand-in answer (WebSocketResponse) let go of it.
    await eventually(() => {
      collectGarbage();
      return firstRequest.deref() === undefined;
    }, 'the first request collected');
    assert.ok(client.connected, 'the connection is still open');
    assert.equal(addressOf(socket), '127.0.0.1');
    assert.equal(browserSessionOf(socket), 'browser-session-of-this-test');
  });
}
