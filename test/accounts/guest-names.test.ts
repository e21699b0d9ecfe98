import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { serverWorld } from '../helpers/world.js';
import { connectClient, currentUser, newCookie, type IdentityClient, type IdentityClientOptions } from './clients.js';
import { pace, quietFor } from '../helpers/waits.js';

const PASSWORD = 'correct horse battery';

/** Nicknames are unique among online guests and accounts, case-insensitively, across workers. */
describe('guest nicknames', () => {
  const world = serverWorld({ workers: 2 }, { exitCode: 0 });
  const client = async (options: IdentityClientOptions = {}): Promise<IdentityClient> => world.track(await connectClient(world.url, { cookie: newCookie(), ...options }));

  test('every guest gets a different automatic name', async () => {
    const guests = await Promise.all(Array.from({ length: 20 }, () => client()));
    const names = guests.map((guest) => currentUser(guest)?.name ?? '');
    assert.equal(new Set(names.map((name) => name.toLowerCase())).size, 20);
    for (const guest of guests) guest.close();
  });

  test('a name held by an online guest on the other worker is taken, in any letter case', async () => {
    const [alice, bob] = [await client({ worker: 0 }), await client({ worker: 1 })];
    assert.ok((await alice.emitWithAck('guest:nickname', { nickname: 'Alice' })).ok);
    for (const nickname of ['Alice', 'ALICE', 'alice']) {
      const ack = await bob.emitWithAck('guest:nickname', { nickname });
      assert.deepEqual(ack, { ok: false, error: 'NAME_TAKEN', message: 'that name is taken' });
    }
    const registration = await bob.emitWithAck('account:register', { username: 'alice', password: PASSWORD });
    assert.equal(!registration.ok && registration.error, 'NAME_TAKEN', 'an account cannot take an online guest name');
    assert.ok((await alice.emitWithAck('guest:nickname', { nickname: 'aLiCe' })).ok, 'its holder may change the case');
  });

  test('account names are never guest nicknames', async () => {
    const registrar = await client({ worker: 0 });
    assert.ok((await registrar.emitWithAck('account:register', { username: 'Dijkstra', password: PASSWORD })).ok);
    registrar.close();
    const guest = await client({ worker: 1 });
    const ack = await guest.emitWithAck('guest:nickname', { nickname: 'dijkstra' });
    assert.equal(!ack.ok && ack.error, 'NAME_TAKEN');
    const signedIn = await client({ worker: 1 });
    assert.ok((await signedIn.emitWithAck('account:login', { username: 'dijkstra', password: PASSWORD })).ok);
    const rename = await signedIn.emitWithAck('guest:nickname', { nickname: 'someone' });
    assert.equal(!rename.ok && rename.error, 'ALREADY_SIGNED_IN');
  });

  test('a guest may register the nickname it holds', async () => {
    const guest = await client();
    assert.ok((await guest.emitWithAck('guest:nickname', { nickname: 'Lovelace' })).ok);
    const ack = await guest.emitWithAck('account:register', { username: 'Lovelace', password: PASSWORD });
    assert.ok(ack.ok, JSON.stringify(ack));
    assert.equal(ack.data.user.kind, 'account');
  });

  test('bad nicknames are refused', async () => {
    const guest = await client();
    for (const payload of [undefined, 'plain', { nickname: '' }, { nickname: 'a' }, { nickname: 'two words' }, { nickname: 'x'.repeat(33) }, { nickname: 7 }]) {
      // Not the contract's shape on purpose (`as never`): the server must refuse it.
      const ack = await guest.emitWithAck('guest:nickname', payload as never);
      assert.equal(!ack.ok && ack.error, 'INVALID_PAYLOAD', JSON.stringify(payload));
    }
  });

  test('the name frees when its guest leaves (all of its tabs), and not before', async () => {
    const cookie = newCookie();
    const [tab1, tab2] = [await client({ cookie, worker: 0 }), await client({ cookie, worker: 1 })];
    assert.ok((await tab1.emitWithAck('guest:nickname', { nickname: 'Leaver' })).ok);
    const other = await client({ worker: 0 });
    tab1.close();
    await quietFor(300, 'the name freed while the second tab holds it');
    const stillTaken = await other.emitWithAck('guest:nickname', { nickname: 'leaver' });
    assert.equal(!stillTaken.ok && stillTaken.error, 'NAME_TAKEN', 'the second tab still holds it');
    tab2.close();
    // Freed once the server has seen the disconnect and checked the other workers: well under 5 s.
    let taken = true;
    for (let attempt = 0; attempt < 50 && taken; attempt++) {
      const ack = await other.emitWithAck('guest:nickname', { nickname: 'leaver' });
      taken = !ack.ok;
      if (taken) await pace(100, 'the next try');
    }
    assert.equal(taken, false, 'the name freed after the last tab left');
    assert.equal(currentUser(other)?.name, 'leaver');
  });
});
