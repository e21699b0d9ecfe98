import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { startServer } from '../helpers/server.js';
import { serverWorld } from '../helpers/world.js';
import { connectClient, currentUser, type IdentityClient, type IdentityClientOptions } from './clients.js';
import { cookieValue, exchange, handshake, httpRequest } from './session-http.js';
import { quietFor } from '../helpers/waits.js';

const PASSWORD = 'correct horse battery';

/**
 * Session fixation: a `parley_session` value known to an attacker (one the server issued
 * to the attacker, then planted in the victim's browser) never becomes the victim's account.
 */
describe('session fixation', () => {
  const world = serverWorld({ workers: 2 }, { exitCode: 0 });
  const client = async (options: IdentityClientOptions): Promise<IdentityClient> => world.track(await connectClient(world.url, options));

  test('a planted cookie stays a guest after the victim signs in on it, and after sign-out', async () => {
    const planted = cookieValue((await handshake(world.url)).setCookie);
    assert.ok(planted, 'the server issued the attacker a cookie');
    const [attackerBefore, victim] = [await client({ cookie: planted, worker: 0 }), await client({ cookie: planted, worker: 1 })];
    const login = await victim.emitWithAck('account:register', { username: 'Victim', password: PASSWORD });
    assert.ok(login.ok, JSON.stringify(login));
    assert.equal(currentUser(victim)?.kind, 'account', 'the victim signed in');

    const attacker = await client({ cookie: planted });
    assert.equal(currentUser(attacker)?.kind, 'guest', 'a new connection with the planted cookie is a guest');
    assert.notEqual((await attacker.emitWithAck('account:logout', {})).ok, true, 'and may not act as an account');
    await quietFor(300, 'the planted cookie becoming the account');
    assert.equal(currentUser(attackerBefore)?.kind, 'guest', 'a connection already open with it stays a guest');

    // The victim's page trades its code for a new cookie: that one is the account.
    const renewed = await exchange(world.url, login.data.exchange);
    assert.equal(renewed.status, 204);
    const fresh = cookieValue(renewed.setCookie);
    assert.ok(fresh && fresh !== planted, 'a new session id');
    assert.deepEqual(currentUser(await client({ cookie: fresh, worker: 0 })), login.data.user, 'the new cookie is the account on worker 0');
    const tab = await client({ cookie: fresh, worker: 1 });
    assert.deepEqual(currentUser(tab), login.data.user, 'and on worker 1');

    assert.ok((await tab.emitWithAck('account:logout', {})).ok);
    assert.equal(currentUser(await client({ cookie: fresh }))?.kind, 'guest', 'after sign-out the old id is not bound');
    assert.equal(currentUser(await client({ cookie: planted }))?.kind, 'guest');
    const signedOut = cookieValue((await exchange(world.url, '')).setCookie);
    assert.ok(signedOut && signedOut !== fresh, 'the page gets a new id after signing out');
  });

  test('an unsigned or badly signed cookie is replaced on the handshake', async () => {
    const issued = cookieValue((await handshake(world.url)).setCookie) ?? '';
    const unsigned = randomBytes(24).toString('base64url');
    const badlySigned = `${issued.split('.')[0]}.${randomBytes(32).toString('base64url')}`;
    for (const forged of [unsigned, badlySigned, `${unsigned}.${issued.split('.')[1]}`]) {
      const answer = await handshake(world.url, forged);
      assert.equal(answer.status, 200);
      const replacement = cookieValue(answer.setCookie);
      assert.ok(replacement && replacement !== forged, `${forged} is replaced`);
      assert.match(answer.setCookie ?? '', /HttpOnly/);
    }
    assert.equal((await handshake(world.url, issued)).setCookie, undefined, 'an issued cookie is kept');
  });

  test('POST /session: only from the server\'s own pages, only with a valid code', async () => {
    assert.equal((await exchange(world.url, '', {})).status, 403, 'no Origin');
    assert.equal((await exchange(world.url, '', { origin: 'https://evil.example' })).status, 403, 'a foreign Origin');
    assert.equal((await exchange(world.url, 'not-a-code')).status, 400);
    const socket = await client({});
    const registered = await socket.emitWithAck('account:register', { username: 'Coder', password: PASSWORD });
    assert.ok(registered.ok);
    const [id, expiresAt] = registered.data.exchange.split('.');
    assert.equal((await exchange(world.url, `${id}.${expiresAt}.${randomBytes(32).toString('base64url')}`)).status, 400, 'a forged code');
  });
});

describe('Secure cookies', () => {
  test('auto: Secure behind a trusted TLS proxy only; always: every time', async () => {
    const auto = await startServer({ workers: 1, env: { PARLEY_TRUSTED_PROXIES: '127.0.0.1' } });
    try {
      const viaProxy = await handshakeWith(auto.url, { 'x-forwarded-proto': 'https' });
      assert.match(viaProxy ?? '', /; Secure/);
      assert.doesNotMatch((await handshake(auto.url)).setCookie ?? '', /Secure/, 'plain HTTP');
    } finally {
      await auto.stop();
    }
    const untrusted = await startServer({ workers: 1 });
    try {
      assert.doesNotMatch((await handshakeWith(untrusted.url, { 'x-forwarded-proto': 'https' })) ?? '', /Secure/, 'an untrusted header');
    } finally {
      await untrusted.stop();
    }
    const always = await startServer({ workers: 1, env: { PARLEY_SECURE_COOKIES: 'always' } });
    try {
      assert.match((await handshake(always.url)).setCookie ?? '', /; Secure/);
    } finally {
      await always.stop();
    }
  });
});

async function handshakeWith(baseUrl: string, headers: Record<string, string>): Promise<string | undefined> {
  return (await httpRequest(`${baseUrl}/socket.io/?EIO=4&transport=polling`, { headers })).setCookie;
}
