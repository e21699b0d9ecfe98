// Issue 24, item 2 (storms): a page whose handshake the server refuses because its store
// does not answer ("server unavailable; try again", data.code UNAVAILABLE) comes back by
// itself with the reconnection back-off, as the bench's clients do, instead of showing the
// refusal and waiting for a reload (socket.io-client retries no refusal on its own).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { chromiumSkipReason, launchChromium } from '../helpers/browser.js';
import { startServer } from '../helpers/server.js';
import { skipUnlessAvailable } from '../helpers/services.js';
import { startTcpProxy, throughProxy } from '../helpers/tcp-proxy.js';
import { letTimePass } from '../helpers/waits.js';
import { postgresHarness, postgresReachable, postgresUrl } from '../store/harness.js';
import { ChatPage } from './chat-page.js';

const skip = chromiumSkipReason() || skipUnlessAvailable('PostgreSQL', await postgresReachable(), `at ${new URL(postgresUrl).host}`);

test('a signed-in page reloaded while the database is cut off waits offline, retrying, and is the account again once it is back', { skip }, async (t) => {
  const harness = await postgresHarness();
  t.after(() => harness.dispose());
  // Migrated before the server starts, so that it starts on a schema that is there.
  await (await harness.open()).close();
  const proxy = await startTcpProxy(Number(new URL(postgresUrl).port || 5432));
  t.after(() => proxy.close());
  const server = await startServer({ workers: 1, env: { PARLEY_DATABASE_URL: throughProxy(proxy)(harness.databaseUrl) } });
  t.after(() => server.stop());
  const browser = await launchChromium();
  t.after(() => browser.close());

  const { chat } = await ChatPage.open(browser, server.url);
  const username = `u${randomUUID().slice(0, 8)}`;
  await chat.register(username, 'correct horse battery');

  proxy.cut();
  await chat.page.reload();
  await chat.waitForStatus('offline');
  // Long enough for several refused handshakes (the first retry comes after 0.5 to 1.5 s).
  await letTimePass(4000, 'refused handshakes while the database is away');
  const state = await chat.status();
  assert.equal(state.state, 'offline', `still retrying, not refused for good: ${state.text}`);
  assert.equal(await chat.page.locator('#input').isDisabled(), false, 'the message box still takes text to send later');

  proxy.restore();
  await chat.waitForStatus('online');
  await chat.waitForText('#me', `Signed in as ${username}`);
});
