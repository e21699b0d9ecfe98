import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { skipUnlessNodesCanRun, startDeployment, type Deployment } from '../helpers/nodes.js';
import { startOidcProvider, TEST_CLIENT_ID, TEST_CLIENT_SECRET, type TestProvider } from '../helpers/oidc-provider.js';
import { newBrowser, Tab } from '../helpers/room-client.js';
import { freePort } from '../helpers/server.js';
import { CookieJar, driveToCallback, step } from '../sso/provider-browser.js';

const skip = await skipUnlessNodesCanRun();

/**
 * Issue 26 across two nodes (two workers each, one PostgreSQL, one Redis): a single sign-on
 * started on one node is finished by the other, once; a slash command run on one node is
 * seen on the other; a person's data export served by one node holds what they wrote on the
 * other.
 */
describe('single sign-on, slash commands and data exports across two nodes', { skip }, () => {
  let provider: TestProvider | undefined;
  let deployment: Deployment;
  const tabs: Tab[] = [];
  const open = async (node: number, browser = newBrowser()): Promise<Tab> => {
    const tab = await Tab.open(deployment.urls()[node] ?? '', { browser });
    tabs.push(tab);
    return tab;
  };
  const member = async (node: number): Promise<{ tab: Tab; token: string; username: string }> => {
    const tab = await open(node);
    const username = `n${randomUUID().slice(0, 8)}`;
    const session = await tab.must('account:register', { username, password: 'correct horse battery' });
    return { tab, token: session.token, username };
  };

  before(async () => {
    const ports = [await freePort(), await freePort()];
    // One public callback for the whole deployment, as behind a load balancer: node 0's address.
    const callback = `http://127.0.0.1:${ports[0]}/auth/oidc/callback`;
    provider = await startOidcProvider(callback);
    deployment = await startDeployment({
      nodes: 2,
      workers: 2,
      env: { PARLEY_OIDC_ISSUER: provider.issuer, PARLEY_OIDC_CLIENT_ID: TEST_CLIENT_ID, PARLEY_OIDC_CLIENT_SECRET: TEST_CLIENT_SECRET, PARLEY_OIDC_REDIRECT_URL: callback },
      envOfNode: (index) => ({ PORT: String(ports[index]) }),
    });
  });
  after(async () => {
    for (const tab of tabs) tab.close();
    await deployment?.close();
    await provider?.close();
  });

  test('a sign-in started on node 0 is finished by node 1, and only once; the account is the same on both nodes', async () => {
    provider?.setClaims('across-nodes-1', { preferred_username: 'ada-across' });
    const [url0 = '', url1 = ''] = deployment.urls();
    const jar = new CookieJar();
    const callback = await driveToCallback(jar, url0, 'across-nodes-1');
    const flow = jar.get(url0, 'parley_oidc');
    assert.ok(flow, 'node 0 set the flow cookie');
    // The balancer sends the provider's redirect to node 1: same path and query, the flow cookie with it.
    jar.set(url1, 'parley_oidc', flow);
    const finished = await step(jar, new URL(`${callback.pathname}${callback.search}`, url1));
    assert.equal(finished.status, 303, await finished.text());
    const session = jar.get(url1, 'parley_session');
    assert.ok(session, 'node 1 signed the browser in');

    jar.set(url0, 'parley_oidc', flow);
    const replayed = await step(jar, callback);
    assert.equal(replayed.status, 400, 'the flow node 1 took is gone for node 0 too');

    const [on0, on1] = [await open(0, session), await open(1, session)];
    const [who0, who1] = [await on0.whoAmI(), await on1.whoAmI()];
    assert.equal(who1.kind, 'account');
    assert.equal(who1.name, 'ada-across');
    assert.deepEqual(who0, who1, 'one account, whichever node is asked');
  });

  test('slash commands run on node 1 are seen on node 0: /topic in the room list, /me as an action', async () => {
    const [ana, ben] = [await member(1), await member(0)];
    const room = await ana.tab.must('room:create', { name: `cmd-${randomUUID().slice(0, 8)}` });
    await ben.tab.must('room:join', { roomId: room.id });

    const topic = await ana.tab.must('command:run', { roomId: room.id, text: '/topic Release day', clientId: randomUUID() });
    assert.equal(topic.kind, 'done');
    let seen: string | undefined;
    for (let attempt = 0; attempt < 50 && seen !== 'Release day'; attempt++) {
      seen = (await ben.tab.must('room:list', {})).find((summary) => summary.id === room.id)?.topic;
      if (seen !== 'Release day') await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.equal(seen, 'Release day', "node 0's room list has the topic set on node 1");

    const action = await ana.tab.must('command:run', { roomId: room.id, text: '/me waves from node 1', clientId: randomUUID() });
    assert.equal(action.kind, 'message');
    const offset = action.kind === 'message' ? action.serverOffset : -1;
    await ben.tab.waitFor(() => ben.tab.eventsOf(room.id).some((event) => event.offset === offset), 'node 0 gets the action');
    assert.match(ben.tab.eventsOf(room.id).find((event) => event.offset === offset)?.text ?? '', /waves from node 1/);

    const refused = await ben.tab.call('command:run', { roomId: room.id, text: `/kick @${ana.username}`, clientId: randomUUID() });
    assert.equal(refused.ok ? 'ok' : refused.error, 'FORBIDDEN', 'a member may not kick, on any node');
  });

  test("a person's export served by node 1 holds what they wrote on node 0, and nothing of others", async () => {
    const [ana, ben] = [await member(0), await member(0)];
    const room = await ana.tab.must('room:create', { name: `export-${randomUUID().slice(0, 8)}` });
    await ben.tab.must('room:join', { roomId: room.id });
    await ana.tab.send(room.id, 'written on node 0');
    await ben.tab.send(room.id, 'not ana');
    const exported = await fetch(`${deployment.urls()[1]}/export/me`, { headers: { authorization: `Bearer ${ana.token}` } });
    assert.equal(exported.status, 200);
    const data = (await exported.json()) as { account: { username: string }; messages: { text: string; roomId: number }[] };
    assert.equal(data.account.username, ana.username);
    assert.deepEqual(
      data.messages.filter((message) => message.roomId === room.id).map((message) => message.text),
      ['written on node 0'],
    );
  });
});
