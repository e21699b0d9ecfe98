import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NameTakenError } from '../../src/store/accounts.js';
import { freshStores, type HarnessFactory } from './harness.js';


const T0 = 1_700_000_000_000;
const MINUTE = 60_000;

/**
 * The identity part of the Store contract (src/store/accounts.ts): accounts, sessions,
 * browser bindings and the one namespace of names. Called by `storeContract`, so every
 * backend runs it.
 */
export function accountsContract(name: string, factory: HarnessFactory, skip: string | false): void {
  const withStore = freshStores(factory);

  describe(`Store contract, identity: ${name}`, () => {
    test('an account is found by its name in any letter case, with its hash', { skip }, () =>
      withStore(async ({ store }) => {
        const created = await store.accounts.createAccount({ username: 'Alice', passwordHash: 'scrypt$hash' }, T0);
        assert.equal(created.username, 'Alice');
        assert.deepEqual(await store.accounts.accountByName('aLICE'), { ...created, passwordHash: 'scrypt$hash' });
        assert.equal(await store.accounts.accountByName('bob'), undefined);
      }));

    test('a name is taken by an account in any letter case, and by a live guest lease', { skip }, () =>
      withStore(async ({ store }) => {
        await store.accounts.createAccount({ username: 'alice', passwordHash: 'h' }, T0);
        await assert.rejects(store.accounts.createAccount({ username: 'ALICE', passwordHash: 'h' }, T0), NameTakenError);
        assert.equal(await store.accounts.claimGuestName('Alice', 'g:1', T0 + MINUTE, T0), false, 'a guest cannot take an account name');
        assert.equal(await store.accounts.claimGuestName('bob', 'g:1', T0 + MINUTE, T0), true);
        await assert.rejects(store.accounts.createAccount({ username: 'Bob', passwordHash: 'h' }, T0), NameTakenError);
        assert.equal(await store.accounts.accountByName('bob'), undefined, 'the refused account was not stored');
        assert.equal(await store.accounts.claimGuestName('BOB', 'g:2', T0 + MINUTE, T0), false, 'another guest cannot take a live lease');
      }));

    test('a look-alike of a taken name is taken: another script, compatibility forms, rn for m', { skip }, () =>
      withStore(async ({ store }) => {
        const alice = await store.accounts.createAccount({ username: 'alice', passwordHash: 'h' }, T0);
        // U+0410 CYRILLIC CAPITAL LETTER A, U+0430 CYRILLIC SMALL LETTER A, fullwidth Latin.
        await assert.rejects(store.accounts.createAccount({ username: '\u0410lice', passwordHash: 'h' }, T0), NameTakenError);
        await assert.rejects(store.accounts.createAccount({ username: '\u0430lice', passwordHash: 'h' }, T0), NameTakenError);
        assert.equal(await store.accounts.claimGuestName('\u0410LICE', 'g:1', T0 + MINUTE, T0), false, 'a guest cannot take a look-alike');
        assert.equal(await store.accounts.claimGuestName('\uff41\uff4c\uff49\uff43\uff45', 'g:1', T0 + MINUTE, T0), false, 'nor its fullwidth form');
        assert.deepEqual(await store.accounts.accountByName('ALICE'), { ...alice, passwordHash: 'h' });
        assert.equal(await store.accounts.accountByName('\u0430lice'), undefined, 'a look-alike logs in as nobody');

        assert.equal(await store.accounts.claimGuestName('martin', 'g:1', T0 + MINUTE, T0), true);
        assert.equal(await store.accounts.claimGuestName('rnartin', 'g:2', T0 + MINUTE, T0), false, "'rn' looks like 'm' (confusables.txt: 006D ; 0072 006E)");
        await assert.rejects(store.accounts.createAccount({ username: 'RNARTIN', passwordHash: 'h' }, T0), NameTakenError);
        assert.equal(await store.accounts.claimGuestName('rnartin', 'g:1', T0 + MINUTE, T0), true, 'its holder may switch to a look-alike');
        assert.equal(await store.accounts.guestNameOf('g:1'), 'rnartin');
        assert.equal(await store.accounts.claimGuestName('martina', 'g:2', T0 + MINUTE, T0), true, 'a different name is free');
      }));

    test('a guest may register the name it holds; its lease ends but stays remembered', { skip }, () =>
      withStore(async ({ store }) => {
        assert.equal(await store.accounts.claimGuestName('carol', 'g:1', T0 + MINUTE, T0), true);
        const account = await store.accounts.createAccount({ username: 'Carol', passwordHash: 'h', guest: 'g:1' }, T0);
        assert.equal(account.username, 'Carol');
        assert.equal(await store.accounts.claimGuestName('carol', 'g:1', T0 + MINUTE, T0), false, 'now the account holds it');
        assert.equal(await store.accounts.claimGuestName('dave', 'g:2', T0 + MINUTE, T0), true);
        await store.accounts.createAccount({ username: 'erin', passwordHash: 'h', guest: 'g:2' }, T0 + 1);
        assert.equal(await store.accounts.guestNameOf('g:2'), 'dave', 'the ended lease is remembered');
        assert.equal(await store.accounts.claimGuestName('dave', 'g:3', T0 + MINUTE, T0 + 2), true, 'and free for others');
        assert.equal(await store.accounts.guestNameOf('g:2'), undefined);
      }));

    test('leases expire, renew, change letter case, and a holder has one name', { skip }, () =>
      withStore(async ({ store }) => {
        assert.equal(await store.accounts.claimGuestName('frank', 'g:1', T0 + MINUTE, T0), true);
        assert.equal(await store.accounts.claimGuestName('Frank', 'g:1', T0 + MINUTE, T0), true, 'the holder may change case');
        assert.equal(await store.accounts.guestNameOf('g:1'), 'Frank');
        await store.accounts.renewGuestNames(['g:1'], T0 + 3 * MINUTE, T0 + MINUTE / 2);
        assert.equal(await store.accounts.claimGuestName('frank', 'g:2', T0 + 3 * MINUTE, T0 + 2 * MINUTE), false, 'renewed');
        assert.equal(await store.accounts.claimGuestName('frank', 'g:2', T0 + 5 * MINUTE, T0 + 3 * MINUTE), true, 'expired');
        assert.equal(await store.accounts.guestNameOf('g:1'), undefined);
        assert.equal(await store.accounts.claimGuestName('gina', 'g:2', T0 + 5 * MINUTE, T0 + 3 * MINUTE), true);
        assert.equal(await store.accounts.guestNameOf('g:2'), 'gina', 'a rename drops the old name');
        assert.equal(await store.accounts.claimGuestName('frank', 'g:3', T0 + 5 * MINUTE, T0 + 3 * MINUTE), true, 'which is free');
      }));

    test('a release frees the name at once, unless renewed since', { skip }, () =>
      withStore(async ({ store }) => {
        await store.accounts.claimGuestName('hank', 'g:1', T0 + MINUTE, T0);
        await store.accounts.releaseGuestName('g:1', T0 + 10, T0 - 1);
        assert.equal(await store.accounts.claimGuestName('hank', 'g:2', T0 + MINUTE, T0 + 10), false, 'renewed at T0, not before T0-1');
        await store.accounts.releaseGuestName('g:1', T0 + 20, T0 + 15);
        assert.equal(await store.accounts.guestNameOf('g:1'), 'hank', 'remembered after release');
        assert.equal(await store.accounts.claimGuestName('hank', 'g:1', T0 + MINUTE, T0 + 30), true, 'its holder gets it back');
        await store.accounts.releaseGuestName('g:1', T0 + 40, T0 + 35);
        assert.equal(await store.accounts.claimGuestName('HANK', 'g:2', T0 + MINUTE, T0 + 50), true, 'another guest takes it');
      }));

    test('sessions: found while unexpired, bound browsers follow, deleting ends both', { skip }, () =>
      withStore(async ({ store }) => {
        const account = await store.accounts.createAccount({ username: 'ivy', passwordHash: 'h' }, T0);
        await store.accounts.createSession({ tokenHash: 't1', accountId: account.id, expiresAt: T0 + MINUTE, browserHash: 'b1' }, T0);
        await store.accounts.createSession({ tokenHash: 't2', accountId: account.id, expiresAt: T0 + MINUTE }, T0);
        assert.deepEqual(await store.accounts.accountBySession('t1', T0), account);
        assert.deepEqual(await store.accounts.accountByBrowser('b1', T0), { account, tokenHash: 't1' });
        assert.equal(await store.accounts.accountBySession('t1', T0 + MINUTE), undefined, 'expired');
        assert.equal(await store.accounts.accountByBrowser('b1', T0 + MINUTE), undefined, 'expired');
        assert.equal(await store.accounts.accountBySession('nope', T0), undefined);
        await store.accounts.deleteSession('t1');
        await store.accounts.deleteSession('t1');
        assert.equal(await store.accounts.accountBySession('t1', T0), undefined);
        assert.equal(await store.accounts.accountByBrowser('b1', T0), undefined);
        assert.deepEqual(await store.accounts.accountBySession('t2', T0), account, 'other sessions live on');
      }));

    test('a browser binds to its latest login; expired sessions are forgotten', { skip }, () =>
      withStore(async ({ store }) => {
        const first = await store.accounts.createAccount({ username: 'jack', passwordHash: 'h' }, T0);
        const second = await store.accounts.createAccount({ username: 'kim', passwordHash: 'h' }, T0);
        await store.accounts.createSession({ tokenHash: 't1', accountId: first.id, expiresAt: T0 + MINUTE, browserHash: 'b' }, T0);
        await store.accounts.createSession({ tokenHash: 't2', accountId: second.id, expiresAt: T0 + 3 * MINUTE, browserHash: 'b' }, T0);
        assert.deepEqual(await store.accounts.accountByBrowser('b', T0), { account: second, tokenHash: 't2' });
        await store.accounts.createSession({ tokenHash: 't3', accountId: first.id, expiresAt: T0 + 3 * MINUTE }, T0 + 2 * MINUTE);
        assert.equal(await store.accounts.accountBySession('t1', T0), undefined, 't1 expired before t3 was made, and was deleted');
      }));

    test("a browser binding's exchange is taken once, before it ends, by one of racing stores (issue 22, defect 13)", { skip }, () =>
      withStore(async ({ store, open }) => {
        const account = await store.accounts.createAccount({ username: 'lou', passwordHash: 'h' }, T0);
        await store.accounts.createSession({ tokenHash: 't1', accountId: account.id, expiresAt: T0 + 9 * MINUTE, browserHash: 'b1', exchangeUntil: T0 + MINUTE }, T0);
        await store.accounts.createSession({ tokenHash: 't2', accountId: account.id, expiresAt: T0 + 9 * MINUTE, browserHash: 'b2', exchangeUntil: T0 + MINUTE }, T0);
        await store.accounts.createSession({ tokenHash: 't3', accountId: account.id, expiresAt: T0 + 9 * MINUTE, browserHash: 'b3' }, T0);
        assert.equal(await store.accounts.redeemExchange('b2', T0 + MINUTE), false, 'not at or after its end');
        assert.equal(await store.accounts.redeemExchange('b3', T0), false, 'a binding made without one has none');
        assert.equal(await store.accounts.redeemExchange('nope', T0), false);
        const other = await open();
        const race = await Promise.all([store, other, store, other].map((each) => each.accounts.redeemExchange('b1', T0 + 1)));
        assert.deepEqual(race.sort(), [false, false, false, true], 'one of the racing trades wins');
        assert.equal(await store.accounts.redeemExchange('b1', T0 + 2), false, 'and never again');
        assert.deepEqual(await store.accounts.accountByBrowser('b1', T0 + 2), { account, tokenHash: 't1' }, 'the binding itself stays');
      }));

    test('two stores racing for one name: exactly one wins', { skip }, () =>
      withStore(async ({ store, open }) => {
        const other = await open();
        for (let round = 0; round < 10; round++) {
          const results = await Promise.allSettled([
            store.accounts.createAccount({ username: `race${round}`, passwordHash: 'h' }, T0),
            other.accounts.createAccount({ username: `RACE${round}`, passwordHash: 'h' }, T0),
            store.accounts.claimGuestName(`Race${round}`, 'g:a', T0 + MINUTE, T0),
            other.accounts.claimGuestName(`rAce${round}`, 'g:b', T0 + MINUTE, T0),
          ]);
          const winners = results.filter((result) => result.status === 'fulfilled' && result.value !== false);
          assert.equal(winners.length, 1, `round ${round}: one winner`);
          for (const result of results) {
            if (result.status === 'rejected') assert.ok(result.reason instanceof NameTakenError, String(result.reason));
          }
        }
      }));
  });
}
