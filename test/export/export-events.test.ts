import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test, type TestContext } from 'node:test';
import type { Ack } from '../../src/shared/errors.js';
import { adminCommand, grantAdmin } from '../helpers/admin-command.js';
import { newBrowser, Tab } from '../helpers/room-client.js';
import { startServer, type RunningServer } from '../helpers/server.js';

// The exports are events of the pipeline's table (src/events/exports/): validated by their
// schema, checked by their access rule on every request, and open over their HTTP doorway only.

const PASSWORD = 'correct horse battery';

async function server(t: TestContext): Promise<RunningServer> {
  const running = await startServer({ workers: 2 });
  t.after(() => running.stop());
  return running;
}

async function person(t: TestContext, url: string): Promise<{ tab: Tab; token: string; userId: string; username: string }> {
  const tab = await Tab.open(url, { browser: newBrowser() });
  t.after(() => tab.close());
  const username = `u${randomUUID().slice(0, 8)}`;
  const session = await tab.must('account:register', { username, password: PASSWORD });
  return { tab, token: session.token, userId: session.user.id, username };
}

const download = (url: string, path: string, token: string): Promise<Response> => fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });

test('over Socket.IO the export events are refused, even to an admin: they are the export doorway\'s alone', async (t) => {
  const { url, databaseFile } = await server(t);
  const admin = await person(t, url);
  await grantAdmin(`sqlite:${databaseFile}`, admin.username);
  const room = await admin.tab.must('room:create', { name: `r-${randomUUID().slice(0, 8)}` });
  for (const [event, payload] of [['export:me', {}], ['export:room', { roomId: room.id }], ['export:all', {}]] as const) {
    // Not in the socket's typed events (ExportCalls are HTTP's): sent as a hostile client would.
    const target = admin.tab.socket.timeout(15_000);
    const emit = target.emitWithAck as unknown as (name: string, body: unknown) => Promise<Ack<unknown>>;
    const answer = await emit.call(target, event, payload);
    assert.equal(answer.ok, false, event);
    assert.deepEqual(answer.ok ? undefined : [answer.error, answer.message], ['FORBIDDEN', 'not open over Socket.IO'], event);
  }
  // The same admin over HTTP gets it: the refusal above is the transport's, not the role's.
  assert.equal((await download(url, '/export/all', admin.token)).status, 200);
});

test('an export URL is a payload: a room id out of range is refused by the schema (400), an unknown room 404', async (t) => {
  const { url, databaseFile } = await server(t);
  const admin = await person(t, url);
  await grantAdmin(`sqlite:${databaseFile}`, admin.username);
  const zero = await download(url, '/export/rooms/0', admin.token);
  assert.equal(zero.status, 400);
  assert.equal(((await zero.json()) as { error: string }).error, 'INVALID_PAYLOAD');
  const unknown = await download(url, '/export/rooms/999999', admin.token);
  assert.equal(unknown.status, 404);
  assert.equal(((await unknown.json()) as { error: string }).error, 'UNKNOWN_ROOM');
});

test('access is checked on every request: a banned account exports nothing (403 BANNED), and an admin whose role was taken is refused at once', async (t) => {
  const { url, databaseFile } = await server(t);
  const admin = await person(t, url);
  const other = await person(t, url);
  const second = await person(t, url);
  await grantAdmin(`sqlite:${databaseFile}`, admin.username);
  await grantAdmin(`sqlite:${databaseFile}`, second.username);
  assert.equal((await download(url, '/export/me', other.token)).status, 200, 'before the ban');
  await admin.tab.must('mod:ban', { userId: other.userId, reason: 'spam', minutes: 60 });
  // Bans reach every worker through the adapter; each request may land on either.
  let banned: Response | undefined;
  for (let attempt = 0; attempt < 50; attempt++) {
    banned = await download(url, '/export/me', other.token);
    if (banned.status !== 200) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(banned?.status, 403);
  assert.equal(((await banned.json()) as { error: string }).error, 'BANNED');

  assert.equal((await download(url, '/export/all', second.token)).status, 200, 'an admin');
  // An admin may not demote another; the operator may, in the store, with no event to the server.
  const revoked = await adminCommand(`sqlite:${databaseFile}`, 'revoke', second.username);
  assert.equal(revoked.status, 0, revoked.stderr);
  const demoted = await download(url, '/export/all', second.token);
  assert.equal(demoted.status, 403);
  assert.equal(((await demoted.json()) as { error: string }).error, 'FORBIDDEN');
});
