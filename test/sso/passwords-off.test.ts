import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connectClient, currentUser, newCookie } from '../accounts/clients.js';
import { chromiumSkipReason, launchChromium } from '../helpers/browser.js';
import { ChatPage } from '../web/chat-page.js';
import { startOidcProvider, type TestProvider } from '../helpers/oidc-provider.js';
import { freePort, startServer, type RunningServer } from '../helpers/server.js';
import { CookieJar, signInAs, step } from './provider-browser.js';
import { oidcEnv } from './sso-world.js';

/**
 * PARLEY_PASSWORDS=off, and a provider that is down when Parley starts: Parley starts all the
 * same, a sign-in is a clear 502 page, and once the provider is up the next sign-in works
 * (discovery is lazy and retried). Sign-ins are priced per address.
 */
describe('single sign-on alone, with the provider down at first', () => {
  let server: RunningServer;
  let provider: TestProvider | undefined;
  let providerPort: number;
  let port: number;
  before(async () => {
    [port, providerPort] = [await freePort(), await freePort()];
    server = await startServer({
      workers: 1,
      env: {
        ...oidcEnv(`http://127.0.0.1:${providerPort}`, port),
        PARLEY_PASSWORDS: 'off',
        PARLEY_LIMITS: JSON.stringify({ 'sso.address': { points: 12, seconds: 600 } }),
      },
    });
  });
  after(async () => {
    if (server) {
      assert.doesNotMatch(server.stderr(), /Uncaught|TypeError/);
      assert.equal(await server.stop(), 0);
    }
    await provider?.close();
  });

  test('password sign-in and sign-up are refused with a reason; the page is told to hide them', async () => {
    const options = (await (await fetch(new URL('/auth/options', server.url))).json()) as { passwords: boolean };
    assert.equal(options.passwords, false);
    const guest = await connectClient(server.url, { cookie: newCookie() });
    try {
      for (const event of ['account:register', 'account:login'] as const) {
        const answer = await guest.emitWithAck(event, { username: 'someone', password: 'correct horse battery' });
        assert.equal(!answer.ok && answer.error, 'FORBIDDEN', event);
        assert.match(!answer.ok ? answer.message : '', /password sign-in and sign-up are turned off/);
      }
    } finally {
      guest.close();
    }
  });

  test('the page hides the password form and offers the button', { skip: chromiumSkipReason() }, async () => {
    const browser = await launchChromium();
    try {
      const { chat } = await ChatPage.open(browser, server.url);
      await chat.page.click('#identity-button');
      await chat.page.locator('#sso-button').waitFor({ state: 'visible', timeout: 20_000 });
      assert.equal(await chat.page.locator('#account-form').isVisible(), false, 'no password form');
      assert.ok(await chat.page.locator('#guest-form').isVisible(), 'guests still pick a nickname');
    } finally {
      await browser.close();
    }
  });

  test('a provider that is down is a 502 page; once it is up, the next sign-in works', async () => {
    const down = await step(new CookieJar(), new URL('/auth/oidc/start', server.url));
    assert.equal(down.status, 502);
    assert.match(await down.text(), /provider is unreachable/);
    await server.waitForLog((line) => line.msg === 'OpenID Connect sign-in refused' && line['status'] === 502);

    // This provider keeps the profile for its userinfo endpoint: the new account's name comes from there.
    provider = await startOidcProvider(`http://127.0.0.1:${port}/auth/oidc/callback`, { port: providerPort, profileInIdToken: false });
    provider.setClaims('sub-solo', { name: 'Solo Person' });
    // Discovery is retried at most every two seconds: bounded polling until it is.
    let jar = new CookieJar();
    let response: Response | undefined;
    for (let attempt = 0; attempt < 8; attempt++) {
      jar = new CookieJar();
      try {
        response = await signInAs(jar, server.url, 'sub-solo');
        break;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 600));
      }
    }
    assert.equal(response?.status, 303);
    const cookie = jar.get(server.url, 'parley_session');
    assert.ok(cookie);
    const tab = await connectClient(server.url, { cookie });
    try {
      assert.equal(currentUser(tab)?.kind, 'account');
      assert.equal(currentUser(tab)?.name, 'Solo_Person', 'the name claim (from userinfo), made a valid name');
    } finally {
      tab.close();
    }
  });

  test('sign-ins are priced per address: past the limit, 429', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 14; attempt++) statuses.push((await step(new CookieJar(), new URL('/auth/oidc/start', server.url))).status);
    assert.ok(statuses.includes(429), `statuses: ${statuses.join(',')}`);
    assert.equal(statuses.at(-1), 429);
  });
});
