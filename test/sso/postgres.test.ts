import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { connectClient, currentUser } from '../accounts/clients.js';
import { skipUnlessAvailable } from '../helpers/services.js';
import { postgresHarness, postgresReachable, postgresUrl, type StoreHarness } from '../store/harness.js';
import { CookieJar, driveToCallback, signInAs, step } from './provider-browser.js';
import { ssoWorld } from './sso-world.js';

const skip = skipUnlessAvailable('PostgreSQL', await postgresReachable(), `at ${new URL(postgresUrl).host}`);

/** The same sign-ins on PostgreSQL, two workers: bindings, flows and the audit log in the shared database. */
describe('single sign-on on PostgreSQL', { skip }, () => {
  let harness: StoreHarness | undefined;
  const world = ssoWorld({
    prepare: async () => {
      harness = await postgresHarness();
      // Migrated before the workers start, so they do not race to create the schema's tables.
      await (await harness.open()).close();
      return { PARLEY_DATABASE_URL: harness.databaseUrl };
    },
    dispose: async () => harness?.dispose(),
  });
  const sessionOf = async (subject: string): Promise<string> => {
    const jar = new CookieJar();
    const response = await signInAs(jar, world.url, subject);
    assert.equal(response.status, 303, await response.text());
    const cookie = jar.get(world.url, 'parley_session');
    assert.ok(cookie);
    return cookie;
  };
  const userOf = async (cookie: string) => currentUser(world.track(await connectClient(world.url, { cookie })));

  test('first sign-in creates the account (audited); a changed name claim keeps it; a replay is refused', async () => {
    world.provider.setClaims('pg-sub-1', { preferred_username: 'hypatia' });
    const first = await userOf(await sessionOf('pg-sub-1'));
    assert.equal(first?.name, 'hypatia');
    world.provider.setClaims('pg-sub-1', { preferred_username: 'theon-daughter' });
    const second = await userOf(await sessionOf('pg-sub-1'));
    assert.deepEqual(second, first);

    const store = await harness!.open();
    try {
      const entries = (await store.moderation.auditLog(null, 50)).filter((entry) => entry.action === 'sso-account');
      assert.equal(entries.length, 1, 'one account made, one audit entry');
      assert.equal(entries[0]?.target, first?.id);
      assert.match(entries[0]?.detail ?? '', /pg-sub-1$/);
    } finally {
      await store.close();
    }

    const jar = new CookieJar();
    const callback = await driveToCallback(jar, world.url, 'pg-sub-1');
    const flow = jar.get(world.url, 'parley_oidc');
    assert.equal((await step(jar, callback)).status, 303);
    jar.set(world.url, 'parley_oidc', flow ?? '');
    assert.equal((await step(jar, callback)).status, 400, 'the flow is taken once, whichever worker answers');
  });

  test('two first sign-ins of one subject at once make one account', async () => {
    world.provider.setClaims('pg-sub-race', { preferred_username: 'twin' });
    const [jarA, jarB] = [new CookieJar(), new CookieJar()];
    const [callbackA, callbackB] = await Promise.all([driveToCallback(jarA, world.url, 'pg-sub-race'), driveToCallback(jarB, world.url, 'pg-sub-race')]);
    const [a, b] = await Promise.all([step(jarA, callbackA), step(jarB, callbackB)]);
    assert.deepEqual([a.status, b.status], [303, 303]);
    const [userA, userB] = [await userOf(jarA.get(world.url, 'parley_session') ?? ''), await userOf(jarB.get(world.url, 'parley_session') ?? '')];
    assert.equal(userA?.kind, 'account');
    assert.deepEqual(userA, userB);
  });
});
