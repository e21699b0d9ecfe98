import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NameTakenError } from '../../src/store/accounts.js';
import type { BoundAccountDraft } from '../../src/store/sso.js';
import { freshStores, type HarnessFactory } from './harness.js';

const T0 = 1_700_000_000_000;
const ISSUER = 'https://id.example.org';

const draft = (subject: string, username: string, issuer = ISSUER): BoundAccountDraft => ({
  issuer,
  subject,
  username,
  audit: { at: T0, actorName: username, action: 'sso-account', roomId: null, detail: `${issuer} ${subject}` },
});

const flow = (idHash: string, expiresAt: number) => ({ idHash, state: `state-${idHash}`, nonce: `nonce-${idHash}`, verifier: `verifier-${idHash}`, expiresAt });

/**
 * The single sign-on part of the Store contract (src/store/sso.ts): accounts bound to
 * (issuer, subject), and flows taken once. Called by `storeContract`, so every backend runs it.
 */
export function ssoContract(name: string, factory: HarnessFactory, skip: string | false): void {
  const withStore = freshStores(factory);

  describe(`Store contract, single sign-on: ${name}`, () => {
    test('an identity is bound to the account its first sign-in made, audited; the pair alone finds it', { skip }, () =>
      withStore(async ({ store }) => {
        assert.equal(await store.sso.accountByIdentity({ issuer: ISSUER, subject: 's1' }), undefined);
        const made = await store.sso.createBoundAccount(draft('s1', 'Ada'), T0);
        assert.equal(made.created, true);
        assert.deepEqual(await store.sso.accountByIdentity({ issuer: ISSUER, subject: 's1' }), made.account);
        assert.equal(await store.sso.accountByIdentity({ issuer: 'https://other.example.org', subject: 's1' }), undefined, 'another issuer is another identity');
        const [entry] = await store.moderation.auditLog(null, 10);
        assert.deepEqual(
          entry && { actor: entry.actor, target: entry.target, action: entry.action, detail: entry.detail },
          { actor: `a:${made.account.id}`, target: `a:${made.account.id}`, action: 'sso-account', detail: `${ISSUER} s1` },
        );
        // A second creation of the same identity (a racing first sign-in) makes nothing.
        const again = await store.sso.createBoundAccount(draft('s1', 'Someone_else'), T0);
        assert.deepEqual(again, { account: made.account, created: false });
        const password = await store.accounts.accountByName('ada');
        assert.ok(password && password.passwordHash !== '' && !password.passwordHash.startsWith('scrypt$'), 'no password hash');
      }),
    );

    test("a name held by an account, or a look-alike of it, is NameTakenError and stores nothing", { skip }, () =>
      withStore(async ({ store }) => {
        const grace = await store.accounts.createAccount({ username: 'Grace', passwordHash: 'scrypt$1$1$1$c2FsdA$aGFzaA' }, T0);
        for (const username of ['grace', 'GRACE', 'Grаce' /* Cyrillic а */]) {
          await assert.rejects(store.sso.createBoundAccount(draft('s2', username), T0), NameTakenError, username);
        }
        assert.equal(await store.sso.accountByIdentity({ issuer: ISSUER, subject: 's2' }), undefined);
        const other = await store.sso.createBoundAccount(draft('s2', 'Grace-2'), T0);
        assert.notEqual(other.account.id, grace.id);
      }),
    );

    test('two stores binding one identity at once make one account', { skip }, () =>
      withStore(async ({ store, open }) => {
        const second = await open();
        const [a, b] = await Promise.all([store.sso.createBoundAccount(draft('s3', 'twin_a'), T0), second.sso.createBoundAccount(draft('s3', 'twin_b'), T0)]);
        assert.equal(a.account.id, b.account.id);
        assert.deepEqual([a.created, b.created].sort(), [false, true]);
      }),
    );

    test('a flow is taken once, not after its expiry, and expired flows are forgotten', { skip }, () =>
      withStore(async ({ store, open }) => {
        await store.sso.saveFlow(flow('f1', T0 + 600_000), T0);
        await store.sso.saveFlow(flow('f2', T0 + 1000), T0);
        const second = await open();
        const [taken, raced] = await Promise.all([store.sso.takeFlow('f1', T0 + 1), second.sso.takeFlow('f1', T0 + 1)]);
        assert.deepEqual([taken, raced].filter((value) => value !== undefined), [flow('f1', T0 + 600_000)], 'exactly one taker');
        assert.equal(await store.sso.takeFlow('f1', T0 + 2), undefined, 'a replay finds nothing');
        assert.equal(await store.sso.takeFlow('f2', T0 + 5000), undefined, 'expired');
        assert.equal(await store.sso.takeFlow('unknown', T0), undefined);
      }),
    );
  });
}
