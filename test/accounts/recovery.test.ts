import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { io } from 'socket.io-client';
import type { ChatSocket } from '../helpers/clients.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { connectClient, newCookie } from './clients.js';

const PASSWORD = 'correct horse battery';

/** A client that reconnects after a transport drop, with connection state recovery. */
function recoveringClient(url: string, token: string): ChatSocket {
  return io(url, {
    auth: { serverOffset: 0, token },
    transports: ['websocket'],
    forceNew: true,
    // Long enough for the test to end the session while the client is away.
    reconnectionDelay: 1000,
    reconnectionDelayMax: 1000,
    extraHeaders: { cookie: `parley_session=${newCookie()}` },
  }) as ChatSocket;
}

/** Connection state recovery brings a socket back only through the identity checks. */
describe('identity and connection state recovery', () => {
  let server: RunningServer;
  before(async () => {
    // One process: the in-memory adapter recovers sessions, the cluster adapter cannot.
    server = await startServer({ entry: 'main' });
  });
  after(async () => {
    assert.equal(await server.stop(), 0);
  });

  test('a dropped connection recovers while its token is valid, and is refused once it was signed out', async (t) => {
    const owner = await connectClient(server.url);
    t.after(() => owner.close());
    const registered = await owner.emitWithAck('account:register', { username: 'Recoverer', password: PASSWORD });
    assert.ok(registered.ok);

    const socket = recoveringClient(server.url, registered.data.token);
    t.after(() => socket.close());
    // Recovery needs an offset: the client has one once it received an event.
    await new Promise((resolve) => socket.once('session:user', resolve));
    socket.io.engine.close();
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    assert.equal(socket.recovered, true, 'the session was recovered');

    const refused = new Promise<Error>((resolve) => socket.once('connect_error', resolve));
    socket.io.engine.close();
    const logout = await owner.emitWithAck('account:logout', {});
    assert.ok(logout.ok);
    assert.equal((await refused).message, 'invalid or expired session token; sign in again');
  });
});
