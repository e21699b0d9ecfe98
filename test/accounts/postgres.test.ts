import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { skipUnlessAvailable } from '../helpers/services.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { postgresHarness, postgresReachable, postgresUrl, type StoreHarness } from '../store/harness.js';
import { becomes, connectClient, currentUser, newCookie, refusal, type IdentityClient } from './clients.js';
import { cookieValue, exchange } from './session-http.js';

const PASSWORD = 'correct horse battery';
const skip = skipUnlessAvailable('PostgreSQL', await postgresReachable(), `at ${new URL(postgresUrl).host}`);

/** The identity events on the PostgreSQL backend, across two workers: the same code path as SQLite. */
describe('accounts on PostgreSQL', { skip }, () => {
  let harness: StoreHarness;
  let server: RunningServer;
  const open: IdentityClient[] = [];
  const client = async (options: Parameters<typeof connectClient>[1]): Promise<IdentityClient> => {
    const socket = await connectClient(server.url, options);
    open.push(socket);
    return socket;
  };
  before(async () => {
    harness = await postgresHarness();
    // Migrated before the workers start, so they do not race to create the schema's tables.
    await (await harness.open()).close();
    server = await startServer({ workers: 2, env: { PARLEY_DATABASE_URL: harness.databaseUrl } });
  });
  after(async () => {
    for (const socket of open) socket.close();
    if (server) assert.equal(await server.stop(), 0);
    await harness?.dispose();
  });

  test('register, token on the other worker, one user in two tabs, unique names, logout', async () => {
    const cookie = newCookie();
    const [tab0, tab1] = [await client({ cookie, worker: 0 }), await client({ cookie, worker: 1 })];
    assert.ok((await tab0.emitWithAck('guest:nickname', { nickname: 'Noether' })).ok);
    await becomes(tab1, 'Noether');
    const rival = await client({ worker: 1, cookie: newCookie() });
    const taken = await rival.emitWithAck('guest:nickname', { nickname: 'NOETHER' });
    assert.equal(!taken.ok && taken.error, 'NAME_TAKEN');

    const registered = await tab0.emitWithAck('account:register', { username: 'Noether', password: PASSWORD });
    assert.ok(registered.ok, JSON.stringify(registered));
    // The other tab holds the pre-sign-in cookie, which is never bound (session fixation):
    // it signs in by reconnecting with the cookie the exchange code sets.
    assert.equal(currentUser(tab1)?.kind, 'guest');
    const renewed = cookieValue((await exchange(server.url, registered.data.exchange)).setCookie);
    tab1.close();
    const tab1Again = await client({ cookie: renewed, worker: 1 });
    assert.deepEqual(currentUser(tab1Again), registered.data.user);
    const viaToken = await client({ worker: 1, token: registered.data.token });
    assert.deepEqual(currentUser(viaToken), registered.data.user);

    const wrong = await rival.emitWithAck('account:login', { username: 'noether', password: 'not the password' });
    assert.equal(!wrong.ok && wrong.error, 'INVALID_CREDENTIALS');
    assert.ok((await tab1Again.emitWithAck('account:logout', {})).ok);
    assert.equal(await refusal(server.url, { token: registered.data.token }), 'invalid or expired session token; sign in again');
  });
});
