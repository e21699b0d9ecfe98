import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { eventTable } from '../../src/events/table.js';
import { skipUnlessNodesCanRun, startDeployment } from '../helpers/nodes.js';
import { startTcpProxy, throughProxy } from '../helpers/tcp-proxy.js';
import { postgresUrl } from '../store/harness.js';

const TOKEN = 'operator-token-for-the-doorway-test';
const skipNodes = await skipUnlessNodesCanRun();

/** An answer of the HTTP doorway: its status and JSON body. */
async function call(url: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}/admin/api/${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/**
 * Issue 23, items 2 and 3: the role an event needs is in the table, and the HTTP doorway is
 * no table of its own: the events that declare `http` are open there, through the same
 * pipeline as a socket, with the same failure mapping (a store outage is 503, not 500).
 */
describe('one pipeline, two doorways', () => {
  test('the table: every mod:* event but mod:me names the role it needs; only role events are open over HTTP', () => {
    const table = eventTable(loadConfig({}));
    for (const [event, spec] of Object.entries(table) as [string, { access: string; http?: string }][]) {
      if (event.startsWith('mod:') && event !== 'mod:me') assert.ok(['moderator', 'admin'].includes(spec.access), `${event}: ${spec.access}`);
      if (spec.http !== undefined) assert.ok(['moderator', 'admin'].includes(spec.access), `${event} is open over HTTP with access ${spec.access}`);
    }
    const open = Object.entries(table).filter(([, spec]) => 'http' in spec && spec.http !== undefined).map(([event]) => event).sort();
    assert.deepEqual(open, [
      'mod:announce',
      'mod:audit',
      'mod:ban',
      'mod:bot-create',
      'mod:bot-revoke',
      'mod:bots',
      'mod:command-create',
      'mod:command-delete',
      'mod:commands',
      'mod:delete',
      'mod:deliveries-parked',
      'mod:delivery-discard',
      'mod:delivery-retry',
      'mod:kick',
      'mod:move',
      'mod:mute',
      'mod:outgoing',
      'mod:outgoing-create',
      'mod:outgoing-revoke',
      'mod:password-reset',
      'mod:restrictions',
      'mod:retention',
      'mod:role',
      'mod:stats',
      'mod:unban',
      'mod:unmute',
      'mod:webhook-create',
      'mod:webhook-revoke',
      'mod:webhooks',
    ]);
    const botApi = Object.entries(table).filter(([, spec]) => 'botHttp' in spec && spec.botHttp !== undefined);
    for (const [event, spec] of botApi) assert.ok(event.startsWith('bot:') && String(spec.access).startsWith('bot'), `${event} is open to bots with access ${spec.access}`);
  });

  test('over HTTP: the events that declare it, by their method; a store outage is 503 UNAVAILABLE, and served again after', { skip: skipNodes }, async (t: TestContext) => {
    const proxy = await startTcpProxy(Number(new URL(postgresUrl).port || 5432));
    t.after(() => proxy.close());
    const deployment = await startDeployment({
      nodes: 1,
      workers: 1,
      env: { PARLEY_ADMIN_TOKENS: TOKEN },
      databaseUrlVia: throughProxy(proxy),
    });
    t.after(() => deployment.close());
    const [url = ''] = deployment.urls();

    const restrictions = await call(url, 'GET', 'restrictions');
    assert.deepEqual(restrictions, { status: 200, body: { ok: true, data: [] } });
    const audit = await call(url, 'GET', 'audit?limit=5');
    assert.equal(audit.status, 200, JSON.stringify(audit.body));
    assert.equal((await call(url, 'GET', 'audit?limit=abc')).status, 400, 'a query value its schema refuses');
    assert.equal((await call(url, 'POST', 'audit')).status, 404, 'an event is open by its own method only');
    assert.equal((await call(url, 'GET', 'me')).status, 404, 'mod:me declares no http');
    assert.equal((await call(url, 'GET', 'message:send')).status, 404, 'nor does any event outside moderation');
    const invalid = await call(url, 'POST', 'kick', { userId: 'not an id' });
    assert.equal(invalid.status, 400);
    assert.equal(invalid.body['error'], 'INVALID_PAYLOAD');
    assert.match(String(invalid.body['message']), /^mod:kick: userId: /, 'the one way zod issues are told');
    const unknown = await call(url, 'POST', 'ban', { userId: 'g:nobody-here', reason: 'test' });
    assert.equal(unknown.status, 200, `banning an id nobody holds is allowed, as over a socket: ${JSON.stringify(unknown.body)}`);

    proxy.cut();
    const during = await call(url, 'GET', 'audit?limit=5');
    assert.equal(during.status, 503, `a store outage is 503: ${JSON.stringify(during.body)}`);
    assert.equal(during.body['error'], 'UNAVAILABLE');
    proxy.restore();
    let after = await call(url, 'GET', 'audit?limit=5');
    for (let tries = 0; after.status !== 200 && tries < 20; tries++) {
      // The pool may hand out a connection the cut killed once more; it gives it up on that failure.
      await new Promise((resolve) => setTimeout(resolve, 250));
      after = await call(url, 'GET', 'audit?limit=5');
    }
    assert.equal(after.status, 200, `served again once the store is back: ${JSON.stringify(after.body)}`);
    const entries = after.body['data'] as { action: string }[];
    assert.ok(entries.some((entry) => entry.action === 'ban'), 'the ban made over HTTP is in the audit log');
  });
});
