import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { connectClient, currentUser, newCookie } from '../accounts/clients.js';
import { CookieJar, driveToCallback, signInAs, step } from './provider-browser.js';
import { ssoWorld } from './sso-world.js';

const PASSWORD = 'correct horse battery';
const ADMIN_TOKEN = 'an-admin-token-for-sso-tests-0123456789';

/** OpenID Connect sign-in against a real provider, on SQLite with two workers. */
describe('single sign-on (SQLite, two workers)', () => {
  // Every test here signs in from 127.0.0.1: the address's budget is raised (the limit itself is tested in passwords-off.test.ts).
  const world = ssoWorld({ env: { PARLEY_ADMIN_TOKENS: ADMIN_TOKEN, PARLEY_LIMITS: JSON.stringify({ 'sso.address': { points: 1000, seconds: 60 } }) } });

  /** Signs a fresh browser in as `subject`; answers its session cookie. */
  const signIn = async (subject: string): Promise<string> => {
    const jar = new CookieJar();
    const response = await signInAs(jar, world.url, subject);
    assert.equal(response.status, 303, await response.text());
    assert.equal(response.headers.get('location'), '/');
    const cookie = jar.get(world.url, 'parley_session');
    assert.ok(cookie, 'the callback sets the session cookie');
    assert.equal(jar.get(world.url, 'parley_oidc'), undefined, 'the flow cookie is forgotten');
    return cookie;
  };
  const userOf = async (cookie: string) => currentUser(world.track(await connectClient(world.url, { cookie })));

  test('the page learns the button and that passwords are on', async () => {
    const answer = await fetch(new URL('/auth/options', world.url));
    assert.equal(answer.status, 200);
    assert.deepEqual(await answer.json(), { passwords: true, sso: { name: 'Test ID', start: '/auth/oidc/start' } });
  });

  test('the first sign-in creates the account; its cookie makes every tab that account', async () => {
    world.provider.setClaims('sub-ada', { preferred_username: 'ada', name: 'Ada Lovelace' });
    const cookie = await signIn('sub-ada');
    const [first, second] = [await userOf(cookie), await userOf(cookie)];
    assert.equal(first?.kind, 'account');
    assert.equal(first?.name, 'ada');
    assert.deepEqual(second, first);
    const db = new Database(world.server.databaseFile, { readonly: true });
    try {
      const audit = db.prepare("SELECT actor, target, detail FROM audit_log WHERE action = 'sso-account'").all() as { actor: string; target: string; detail: string }[];
      assert.deepEqual(audit, [{ actor: first?.id, target: first?.id, detail: `${world.provider.issuer} sub-ada` }], 'the creation is in the audit log');
    } finally {
      db.close();
    }
  });

  test('a later sign-in with a changed preferred_username is the same account, under its first name', async () => {
    world.provider.setClaims('sub-ada', { preferred_username: 'countess', name: 'Augusta Ada King' });
    const again = await userOf(await signIn('sub-ada'));
    world.provider.setClaims('sub-other', { preferred_username: 'countess' });
    const other = await userOf(await signIn('sub-other'));
    assert.equal(again?.name, 'ada', 'the name is kept');
    assert.equal(again?.kind, 'account');
    assert.notEqual(other?.id, again?.id, 'another subject is another account');
    assert.equal(other?.name, 'countess', 'a name claim is taken only at creation');
  });

  test("a name a password account holds gets another name, never that account", async () => {
    const registrar = world.track(await connectClient(world.url, { cookie: newCookie() }));
    const registered = await registrar.emitWithAck('account:register', { username: 'Grace', password: PASSWORD });
    assert.ok(registered.ok, JSON.stringify(registered));
    world.provider.setClaims('sub-impostor', { preferred_username: 'grace', email: 'grace@example.org' });
    const impostor = await userOf(await signIn('sub-impostor'));
    assert.equal(impostor?.kind, 'account');
    assert.notEqual(impostor?.id, registered.data.user.id);
    assert.match(impostor?.name ?? '', /^grace-\d$/i);
    const login = await registrar.emitWithAck('account:login', { username: 'grace', password: PASSWORD });
    assert.ok(login.ok);
    assert.equal(login.data.user.id, registered.data.user.id, 'the password account is untouched');
    // The single sign-on account has no password: no guess opens it.
    const noPassword = await registrar.emitWithAck('account:login', { username: impostor?.name ?? '', password: PASSWORD });
    assert.equal(!noPassword.ok && noPassword.error, 'INVALID_CREDENTIALS');
  });

  test('signing out ends the session as for a password sign-in: the cookie is a guest again', async () => {
    world.provider.setClaims('sub-leaver', { preferred_username: 'leaver' });
    const cookie = await signIn('sub-leaver');
    const tab = world.track(await connectClient(world.url, { cookie }));
    assert.equal(currentUser(tab)?.name, 'leaver');
    const logout = await tab.emitWithAck('account:logout', {});
    assert.ok(logout.ok, JSON.stringify(logout));
    assert.equal((await userOf(cookie))?.kind, 'guest');
  });

  test("a banned account's sign-in is refused with the ban's reason", async () => {
    world.provider.setClaims('sub-banned', { preferred_username: 'troll' });
    const user = await userOf(await signIn('sub-banned'));
    const ban = await fetch(new URL('/admin/api/ban', world.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ userId: user?.id, reason: 'spam' }),
    });
    assert.equal(ban.status, 200, await ban.text());
    // Every worker learns the ban; bounded retries until the one that answers has.
    let status = 0;
    let page = '';
    for (let attempt = 0; attempt < 10 && status !== 403; attempt++) {
      const response = await signInAs(new CookieJar(), world.url, 'sub-banned');
      [status, page] = [response.status, await response.text()];
      if (status !== 403) await new Promise((resolve) => setTimeout(resolve, 300));
    }
    assert.equal(status, 403);
    assert.match(page, /banned: spam/);
  });

  test('two first sign-ins of one subject at once make one account', async () => {
    world.provider.setClaims('sub-race', { preferred_username: 'twin' });
    const [jarA, jarB] = [new CookieJar(), new CookieJar()];
    const [callbackA, callbackB] = await Promise.all([driveToCallback(jarA, world.url, 'sub-race'), driveToCallback(jarB, world.url, 'sub-race')]);
    const [a, b] = await Promise.all([step(jarA, callbackA), step(jarB, callbackB)]);
    assert.deepEqual([a.status, b.status], [303, 303]);
    const [userA, userB] = [await userOf(jarA.get(world.url, 'parley_session') ?? ''), await userOf(jarB.get(world.url, 'parley_session') ?? '')];
    assert.equal(userA?.kind, 'account');
    assert.deepEqual(userA, userB);
  });

  test('a replayed callback, a forged state, another browser, or no started flow: 400 with a reason', async () => {
    world.provider.setClaims('sub-eve', { preferred_username: 'eve' });
    // Replay: the same callback with the same flow cookie, after it signed in once.
    const jar = new CookieJar();
    const callback = await driveToCallback(jar, world.url, 'sub-eve');
    const flowCookie = jar.get(world.url, 'parley_oidc');
    assert.ok(flowCookie);
    assert.equal((await step(jar, callback)).status, 303);
    jar.set(world.url, 'parley_oidc', flowCookie);
    const replayed = await step(jar, callback);
    assert.equal(replayed.status, 400);
    assert.match(await replayed.text(), /finished already or has expired/);

    // Forged state: the flow is this browser's, the state is not its.
    const forger = new CookieJar();
    const genuine = await driveToCallback(forger, world.url, 'sub-eve');
    const forged = new URL(genuine);
    forged.searchParams.set('state', 'not-the-state');
    const refused = await step(forger, forged);
    assert.equal(refused.status, 400);
    assert.match(await refused.text(), /state does not match/);

    // Login CSRF: a stranger's callback URL opened by a victim who started a sign-in of their own.
    const attacker = new CookieJar();
    const planted = await driveToCallback(attacker, world.url, 'sub-eve');
    const victim = new CookieJar();
    await driveToCallback(victim, world.url, 'sub-victim');
    const csrf = await step(victim, planted);
    assert.equal(csrf.status, 400);
    assert.equal(victim.get(world.url, 'parley_session'), undefined, 'the victim is not signed in as the stranger');

    // No flow at all; a forged flow cookie.
    const none = await step(new CookieJar(), planted);
    assert.equal(none.status, 400);
    assert.match(await none.text(), /no sign-in was started in this browser/);
    const fake = new CookieJar();
    fake.set(world.url, 'parley_oidc', `${'A'.repeat(32)}.${'B'.repeat(43)}`);
    assert.equal((await step(fake, planted)).status, 400);
  });

  test('an ID token whose nonce is not the flow\'s is refused (400), the code notwithstanding', async () => {
    world.provider.setClaims('sub-nonce', { preferred_username: 'nonce' });
    const jar = new CookieJar();
    const callback = await driveToCallback(jar, world.url, 'sub-nonce');
    // The flow Parley kept now expects another nonce than the one the provider put in its ID token.
    const db = new Database(world.server.databaseFile);
    try {
      assert.equal(db.prepare("UPDATE sso_flows SET nonce = 'a-nonce-of-another-sign-in' WHERE state = ?").run(callback.searchParams.get('state')).changes, 1);
    } finally {
      db.close();
    }
    const answer = await step(jar, callback);
    assert.equal(answer.status, 400);
    assert.match(await answer.text(), /does not belong to this sign-in/);
    assert.equal(jar.get(world.url, 'parley_session'), undefined);
  });

  test('a refusal at the provider and hostile requests are answered, never a crash', async () => {
    const jar = new CookieJar();
    const callback = await driveToCallback(jar, world.url, 'sub-mallory');
    const denied = new URL(callback);
    denied.search = new URLSearchParams({ error: 'access_denied', error_description: 'the person said no <script>', state: callback.searchParams.get('state') ?? '', iss: world.provider.issuer }).toString();
    const answer = await step(jar, denied);
    assert.equal(answer.status, 400);
    const page = await answer.text();
    assert.match(page, /the person said no &lt;script&gt;/, 'the provider\'s words, escaped');

    const hostile: [string, RequestInit, number][] = [
      ['/auth/oidc/start', { method: 'POST' }, 405],
      ['/auth/oidc/elsewhere', {}, 404],
      ['/auth/oidc/callback?code=x&state=y', { headers: { cookie: 'parley_oidc=%%%' } }, 400],
      [`/auth/oidc/callback?${'a'.repeat(6000)}`, {}, 400],
      ['/auth/options', { method: 'DELETE' }, 405],
    ];
    for (const [path, init, status] of hostile) {
      const response = await fetch(new URL(path, world.url), { ...init, redirect: 'manual' });
      assert.equal(response.status, status, `${init.method ?? 'GET'} ${path.slice(0, 40)}`);
    }
    assert.equal((await fetch(new URL('/healthz', world.url))).status, 200);
  });
  test('the sign-in steps are events of the table, for their HTTP doorway alone: over Socket.IO refused, a callback past the schema 400', async () => {
    const socket = world.track(await connectClient(world.url));
    for (const [event, payload] of [['sso:start', {}], ['sso:callback', { query: { code: 'x', state: 'y' } }]] as const) {
      // Not in the socket's typed events: sent as a hostile client would.
      const emit = socket.timeout(10_000).emitWithAck as unknown as (name: string, body: unknown) => Promise<{ ok: boolean; error?: string; message?: string }>;
      const answer = await emit.call(socket.timeout(10_000), event, payload);
      assert.deepEqual([answer.ok, answer.error, answer.message], [false, 'FORBIDDEN', 'not open over Socket.IO'], event);
    }
    // A provider sends a handful of parameters; twenty is no provider's callback.
    const crowded = new URL('/auth/oidc/callback', world.url);
    for (let index = 0; index < 20; index++) crowded.searchParams.set(`p${index}`, 'x');
    const refused = await fetch(crowded, { redirect: 'manual' });
    assert.equal(refused.status, 400);
    assert.match(await refused.text(), /at most 16 query parameters/);
  });
});
