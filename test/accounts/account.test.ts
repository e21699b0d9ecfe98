import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { serverWorld } from '../helpers/world.js';
import { hashSecret } from '../../src/secrets.js';
import { connectClient, currentUser, refusal, type IdentityClient, type IdentityClientOptions } from './clients.js';

const PASSWORD = 'correct horse battery';

/** account:register, account:login, account:logout and the token handshake, on 2 workers. */
describe('accounts', () => {
  const world = serverWorld({ workers: 2 }, {
    exitCode: 0,
    beforeStop: (server) => assert.equal(server.logs().filter((line) => line.msg === 'worker died; forking a replacement').length, 0),
  });
  const client = async (options: IdentityClientOptions = {}): Promise<IdentityClient> => world.track(await connectClient(world.url, options));

  test('a connection without credentials is a guest with an automatic nickname', async () => {
    const guest = await client();
    const user = currentUser(guest);
    assert.equal(user?.kind, 'guest');
    assert.match(user?.id ?? '', /^g:/);
    assert.match(user?.name ?? '', /^guest-[0-9a-z]{8}$/);
  });

  test('register signs the connection in, and its token signs in a connection to the other worker', async () => {
    const first = await client({ worker: 0 });
    const [ack] = await Promise.all([
      first.emitWithAck('account:register', { username: 'Ada', password: PASSWORD }),
      new Promise((resolve) => first.once('session:user', resolve)),
    ]);
    assert.ok(ack.ok, JSON.stringify(ack));
    assert.deepEqual(ack.data.user, { id: ack.data.user.id, name: 'Ada', kind: 'account' });
    assert.match(ack.data.user.id, /^a:\d+$/);
    assert.deepEqual(currentUser(first), ack.data.user);

    const other = await client({ worker: 1, token: ack.data.token });
    assert.deepEqual(currentUser(other), ack.data.user, 'one user: the same id on every connection');
  });

  test('register refuses bad payloads and taken names, in any letter case', async () => {
    const guest = await client();
    const badPayloads: unknown[] = [
      undefined,
      'Ada',
      { username: 'bob' },
      { username: 'bob', password: 'short' },
      { username: 'b', password: PASSWORD },
      { username: 'bob smith', password: PASSWORD },
      { username: 'x'.repeat(33), password: PASSWORD },
      { username: 42, password: PASSWORD },
      { username: 'bob', password: 'p'.repeat(257) },
    ];
    for (const payload of badPayloads) {
      // A fresh connection each: every attempt, valid or not, takes one of the connection's few password tokens.
      // Not the contract's shape on purpose (`as never`): the server must refuse it.
      const ack = await (await client()).emitWithAck('account:register', payload as never);
      assert.equal(!ack.ok && ack.error, 'INVALID_PAYLOAD', JSON.stringify(payload));
    }
    assert.ok((await guest.emitWithAck('account:register', { username: 'grace', password: PASSWORD })).ok);
    const again = await (await client()).emitWithAck('account:register', { username: 'GRACE', password: PASSWORD });
    assert.equal(!again.ok && again.error, 'NAME_TAKEN');
  });

  test('login: success on any worker, one error for wrong password and unknown user', async () => {
    const registrar = await client();
    const registered = await registrar.emitWithAck('account:register', { username: 'linus', password: PASSWORD });
    assert.ok(registered.ok);
    for (const worker of [0, 1]) {
      const socket = await client({ worker });
      const ack = await socket.emitWithAck('account:login', { username: 'LINUS', password: PASSWORD });
      assert.ok(ack.ok, JSON.stringify(ack));
      assert.deepEqual(ack.data.user, registered.data.user);
      assert.notEqual(ack.data.token, registered.data.token, 'every login gets its own token');
      assert.deepEqual(currentUser(socket), registered.data.user);
    }
    const socket = await client();
    const wrong = await socket.emitWithAck('account:login', { username: 'linus', password: 'wrong password' });
    const unknown = await socket.emitWithAck('account:login', { username: 'nobody', password: PASSWORD });
    assert.deepEqual(wrong, { ok: false, error: 'INVALID_CREDENTIALS', message: 'unknown username or wrong password' });
    assert.deepEqual(unknown, wrong, 'unknown user and wrong password cannot be told apart');
    const bad = await socket.emitWithAck('account:login', { username: 'linus' } as never);
    assert.equal(!bad.ok && bad.error, 'INVALID_PAYLOAD');
    assert.equal(currentUser(socket)?.kind, 'guest');
  });

  test('password attempts are rate limited per connection', async () => {
    const socket = await client();
    const answers = await Promise.all(
      Array.from({ length: 7 }, () => socket.emitWithAck('account:login', { username: 'nobody2', password: 'wrong password' })),
    );
    const errors = answers.map((ack) => !ack.ok && ack.error);
    assert.deepEqual(errors.slice(0, 5), Array(5).fill('INVALID_CREDENTIALS'));
    assert.ok(errors.slice(5).every((error) => error === 'RATE_LIMITED'), JSON.stringify(errors));
  });

  test('logout: the connection is a guest again and the token is refused at the handshake', async () => {
    const guest = await client();
    const notSignedIn = await guest.emitWithAck('account:logout', {});
    assert.equal(!notSignedIn.ok && notSignedIn.error, 'UNAUTHENTICATED');

    const socket = await client();
    const registered = await socket.emitWithAck('account:register', { username: 'margaret', password: PASSWORD });
    assert.ok(registered.ok);
    const viaToken = await client({ token: registered.data.token });
    const closed = new Promise((resolve) => viaToken.once('disconnect', resolve));
    const ack = await socket.emitWithAck('account:logout', {});
    assert.ok(ack.ok, JSON.stringify(ack));
    assert.equal(ack.data.kind, 'guest');
    assert.deepEqual(currentUser(socket), ack.data);
    await closed;
    assert.equal(await refusal(world.url, { token: registered.data.token }), 'invalid or expired session token; sign in again');
    const relogin = await socket.emitWithAck('account:login', { username: 'margaret', password: PASSWORD });
    assert.ok(relogin.ok, 'the account itself lives on');
  });

  test('bad, unknown and expired tokens are refused at the handshake with a reason', async () => {
    assert.equal(await refusal(world.url, { token: 42 }), 'invalid handshake: auth.token must be a string');
    assert.equal(await refusal(world.url, { token: 'not-a-token' }), 'invalid or expired session token; sign in again');
    const socket = await client();
    const registered = await socket.emitWithAck('account:register', { username: 'barbara', password: PASSWORD });
    assert.ok(registered.ok);
    // Written straight into the database: a session of this account that expired a minute ago.
    const expiredToken = 'expired-token-for-the-test';
    const db = new Database(world.server.databaseFile, { timeout: 5000 });
    try {
      db.prepare('INSERT INTO sessions (token_hash, account_id, expires_at, created_at) VALUES (?, ?, ?, ?)').run(
        hashSecret(expiredToken),
        Number(registered.data.user.id.slice(2)),
        Date.now() - 60_000,
        Date.now() - 120_000,
      );
    } finally {
      db.close();
    }
    assert.equal(await refusal(world.url, { token: expiredToken }), 'invalid or expired session token; sign in again');
    assert.equal(await refusal(world.url, { token: null }), 'connected', 'a null token is no token: a guest');
  });
});
