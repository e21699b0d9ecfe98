import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { serverWorld } from '../helpers/world.js';
import { cookieValue, exchange } from './session-http.js';
import { becomes, connectClient, currentUser, newCookie, workerOf, type IdentityClient, type IdentityClientOptions } from './clients.js';

const PASSWORD = 'correct horse battery';

/** The HttpOnly `parley_session` cookie: every tab of one browser is one user, on any worker. */
describe('browser sessions', () => {
  const world = serverWorld({ workers: 2 }, { exitCode: 0 });
  const client = async (options: IdentityClientOptions): Promise<IdentityClient> => world.track(await connectClient(world.url, options));

  test('two tabs with one cookie on two workers are one guest, and a rename reaches both', async () => {
    const cookie = newCookie();
    const [first, second] = [await client({ cookie, worker: 0 }), await client({ cookie, worker: 1 })];
    assert.notEqual(workerOf(first), workerOf(second));
    assert.deepEqual(currentUser(first), currentUser(second), 'same id, same name');
    const stranger = await client({ cookie: newCookie() });
    assert.notEqual(currentUser(stranger)?.id, currentUser(first)?.id);

    const ack = await first.emitWithAck('guest:nickname', { nickname: 'Tabby' });
    assert.ok(ack.ok, JSON.stringify(ack));
    assert.deepEqual(ack.data, { ...currentUser(second), name: 'Tabby' });
    await becomes(second, 'Tabby');
    const third = await client({ cookie });
    assert.equal(currentUser(third)?.name, 'Tabby', 'a new tab of the browser keeps the nickname');
  });

  test('login binds a new browser session id: its tabs, on every worker, are the account; logout unbinds', async () => {
    const cookie = newCookie();
    const [first, second] = [await client({ cookie, worker: 0 }), await client({ cookie, worker: 1 })];
    const registrar = await client({ cookie: newCookie() });
    assert.ok((await registrar.emitWithAck('account:register', { username: 'Hopper', password: PASSWORD })).ok);

    const login = await second.emitWithAck('account:login', { username: 'hopper', password: PASSWORD });
    assert.ok(login.ok, JSON.stringify(login));
    assert.deepEqual(currentUser(second), login.data.user);
    assert.equal(currentUser(first)?.kind, 'guest', 'the cookie held before sign-in is never bound (it may be planted)');
    const renewed = cookieValue((await exchange(world.url, login.data.exchange)).setCookie);
    assert.ok(renewed && renewed !== cookie);
    const [tab0, tab1] = [await client({ cookie: renewed, worker: 0 }), await client({ cookie: renewed, worker: 1 })];
    for (const tab of [tab0, tab1]) assert.deepEqual(currentUser(tab), login.data.user, 'a connection with the new cookie is signed in');

    const logout = await tab0.emitWithAck('account:logout', {});
    assert.ok(logout.ok, JSON.stringify(logout));
    assert.equal(logout.data.kind, 'guest');
    await becomes(tab1, logout.data.name);
    const after = await client({ cookie: renewed, worker: 1 });
    assert.equal(currentUser(after)?.kind, 'guest', 'the browser is a guest again');
  });

  test('a token overrides the cookie; a connection without either is its own guest', async () => {
    const registrar = await client({ cookie: newCookie() });
    const registered = await registrar.emitWithAck('account:register', { username: 'Turing', password: PASSWORD });
    assert.ok(registered.ok);
    const withToken = await client({ cookie: newCookie(), token: registered.data.token });
    assert.deepEqual(currentUser(withToken), registered.data.user);
    const [a, b] = [await client({}), await client({})];
    assert.notEqual(currentUser(a)?.id, currentUser(b)?.id);
    assert.notEqual(currentUser(a)?.name, currentUser(b)?.name);
  });
});
