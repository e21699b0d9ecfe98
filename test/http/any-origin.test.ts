import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { io } from 'socket.io-client';
import { connectClient, currentUser, type IdentityClient } from '../accounts/clients.js';
import { cookieValue, exchange, httpRequest } from '../accounts/session-http.js';
import type { Ack } from '../../src/shared/errors.js';
import type { ChatSocket } from '../helpers/clients.js';
import { startServer } from '../helpers/server.js';

const PASSWORD = 'correct horse battery';
const EVIL = 'http://evil.example';
const FRIEND = 'http://friend.example';

/** A client whose requests carry `origin` (as a page of that origin's would) and maybe a cookie or token. */
function fromOrigin(url: string, origin: string, options: { cookie?: string; token?: string; transport: 'polling' | 'websocket' }): Promise<IdentityClient> {
  const socket = io(url, {
    auth: { serverOffset: 0, ...(options.token === undefined ? {} : { token: options.token }) },
    transports: [options.transport],
    forceNew: true,
    reconnection: false,
    extraHeaders: { origin, ...(options.cookie === undefined ? {} : { cookie: `parley_session=${options.cookie}` }) },
  }) as ChatSocket as IdentityClient;
  socket.users = [];
  socket.on('session:user', (user) => socket.users.push(user));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no session:user from ${origin} over ${options.transport}`)), 10_000);
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.once('session:user', () => {
      clearTimeout(timer);
      resolve(socket);
    });
  });
}

/**
 * Issue 22, defects 6 and 14, without a browser: with `PARLEY_ALLOWED_ORIGINS=*` another
 * origin's long-polling gets CORS (the list held a literal '*' that matched nothing), and
 * a page of any origin may connect but never as the visitor: its cookie is not read, none
 * is set, and `POST /session` refuses it. Origins listed by name keep credentialed CORS.
 */
describe('PARLEY_ALLOWED_ORIGINS=*', () => {
  test('CORS for any origin, without credentials; credentials for a listed origin; none without the setting', async (t) => {
    const server = await startServer({ workers: 2, env: { PARLEY_ALLOWED_ORIGINS: `${FRIEND},*` } });
    t.after(() => server.stop());
    const poll = async (origin: string): Promise<Headers> => (await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin } })).headers;
    const evil = await poll(EVIL);
    assert.equal(evil.get('access-control-allow-origin'), EVIL, 'the foreign origin may read the answer');
    assert.equal(evil.get('access-control-allow-credentials'), null, 'but not with credentials');
    assert.equal(evil.get('set-cookie'), null, 'and gets no session cookie');
    const friend = await poll(FRIEND);
    assert.equal(friend.get('access-control-allow-origin'), FRIEND);
    assert.equal(friend.get('access-control-allow-credentials'), 'true');
    assert.match(friend.get('set-cookie') ?? '', /^parley_session=/);
    const preflight = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`, {
      method: 'OPTIONS',
      headers: { origin: EVIL, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), EVIL);

    const strict = await startServer({ workers: 1 });
    t.after(() => strict.stop());
    assert.equal((await fetch(`${strict.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: EVIL } })).status, 403, 'unset: other origins are refused');
  });

  test("a connection from any origin carrying the visitor's cookie is not the visitor, over WebSocket or polling", async (t) => {
    const server = await startServer({ workers: 2, env: { PARLEY_ALLOWED_ORIGINS: `${FRIEND},*` } });
    t.after(() => server.stop());
    const opened: IdentityClient[] = [];
    t.after(() => opened.forEach((socket) => socket.close()));
    const track = async (socket: Promise<IdentityClient>): Promise<IdentityClient> => {
      const client = await socket;
      opened.push(client);
      return client;
    };

    // The victim signs in on the server's own page and holds its account cookie; bob writes to them directly.
    const page = await track(connectClient(server.url));
    const victim = await page.emitWithAck('account:register', { username: 'victim', password: PASSWORD });
    assert.ok(victim.ok);
    const cookie = cookieValue((await exchange(server.url, victim.data.exchange)).setCookie);
    assert.ok(cookie);
    const bob = await track(connectClient(server.url));
    const direct = await bob.emitWithAck('dm:open', { userId: victim.data.user.id });
    assert.ok(direct.ok, JSON.stringify(direct));

    for (const transport of ['websocket', 'polling'] as const) {
      const attacker = await track(fromOrigin(server.url, EVIL, { cookie, transport }));
      assert.equal(currentUser(attacker)?.kind, 'guest', `a ${transport} connection from ${EVIL} with the victim's cookie is a guest`);
      assert.notEqual(currentUser(attacker)?.id, victim.data.user.id);
      const join: Ack<unknown> = await attacker.emitWithAck('room:join', { roomId: direct.data.id });
      assert.equal(!join.ok && join.error, 'UNKNOWN_ROOM', "and cannot read the victim's direct room");
    }
    // Tokens still authenticate from any origin, and the trusted origins keep the cookie.
    const withToken = await track(fromOrigin(server.url, EVIL, { token: victim.data.token, transport: 'websocket' }));
    assert.deepEqual(currentUser(withToken), victim.data.user, 'a token counts from any origin');
    const friend = await track(fromOrigin(server.url, FRIEND, { cookie, transport: 'websocket' }));
    assert.deepEqual(currentUser(friend), victim.data.user, 'an origin listed by name is trusted with the cookie');
    const own = await track(fromOrigin(server.url, server.url, { cookie, transport: 'websocket' }));
    assert.deepEqual(currentUser(own), victim.data.user, "the server's own pages too");

  });

  test("POST /session swaps no cookie for an origin let in by '*' alone; a listed origin may", async (t) => {
    const server = await startServer({ workers: 2, env: { PARLEY_ALLOWED_ORIGINS: `${FRIEND},*` } });
    t.after(() => server.stop());
    const page = await connectClient(server.url);
    t.after(() => page.close());
    assert.ok((await page.emitWithAck('account:register', { username: 'victim', password: PASSWORD })).ok);
    const login = await page.emitWithAck('account:login', { username: 'victim', password: PASSWORD });
    assert.ok(login.ok);
    for (const body of ['', login.data.exchange]) {
      const swap = await exchange(server.url, body, { origin: EVIL });
      assert.equal(swap.status, 403, `POST /session from ${EVIL}`);
      assert.equal(swap.setCookie, undefined);
    }
    assert.equal((await exchange(server.url, login.data.exchange, { origin: FRIEND })).status, 204, 'a listed origin may trade its code');
    assert.equal((await httpRequest(`${server.url}/session`, { method: 'POST', headers: { origin: 'null' } })).status, 403);
  });
});
