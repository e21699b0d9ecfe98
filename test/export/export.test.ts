import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { grantAdmin } from '../helpers/admin-command.js';
import { newBrowser, Tab } from '../helpers/room-client.js';
import { skipUnlessAvailable } from '../helpers/services.js';
import { startServer, tempDir, type RunningServer } from '../helpers/server.js';
import { postgresHarness, postgresReachable, postgresUrl } from '../store/harness.js';

const postgresSkip = skipUnlessAvailable('PostgreSQL', await postgresReachable(), `at ${new URL(postgresUrl).host}`);
const PASSWORD = 'correct horse battery';
/** More than two of the export's pages (1,000 rows), so that paging is crossed twice. */
const LARGE_ROOM = 2_100;
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);

interface Person {
  readonly tab: Tab;
  readonly token: string;
  readonly userId: string;
  readonly username: string;
}

interface EventLine {
  type: string;
  roomId: number;
  offset: number;
  kind: string;
  authorId: string | null;
  text: string;
  redacted: { by: string; at: number } | null;
}

/** A server on `backend`, with limits roomy enough for the large room, stopped after the test. */
async function deployment(t: TestContext, backend: 'SQLite' | 'PostgreSQL'): Promise<{ server: RunningServer; databaseUrl: string }> {
  const harness = backend === 'PostgreSQL' ? await postgresHarness() : undefined;
  if (harness) {
    t.after(() => harness.dispose());
    // Migrated before the workers start, so they do not race to create the schema's tables.
    await (await harness.open()).close();
  }
  const server = await startServer({
    workers: 2,
    env: {
      // The message limits follow these (src/config.ts): room for the large room's burst.
      PARLEY_RATE_LIMIT: '5000',
      PARLEY_RATE_BURST: '5000',
      // Off the working folder: on PostgreSQL files would default to ./data/files.
      PARLEY_FILES_DIR: path.join(tempDir(), 'files'),
      ...(harness ? { PARLEY_DATABASE_URL: harness.databaseUrl } : {}),
    },
  });
  t.after(() => server.stop());
  return { server, databaseUrl: harness?.databaseUrl ?? `sqlite:${server.databaseFile}` };
}

async function person(t: TestContext, url: string): Promise<Person> {
  const tab = await Tab.open(url, { browser: newBrowser() });
  t.after(() => tab.close());
  const username = `u${randomUUID().slice(0, 8)}`;
  const session = await tab.must('account:register', { username, password: PASSWORD });
  return { tab, token: session.token, userId: session.user.id, username };
}

const download = (url: string, path: string, token?: string, init: RequestInit = {}): Promise<Response> =>
  fetch(`${url}${path}`, { ...init, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}) } });

const lines = (body: string): unknown[] =>
  body
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as unknown);

for (const backend of ['SQLite', 'PostgreSQL'] as const) {
  describe(`${backend}: data exports`, { skip: backend === 'PostgreSQL' && postgresSkip }, () => {
    test("a person's export holds their account, rooms, messages (a deleted one as a tombstone), reactions and files, and nothing of anyone else's", async (t) => {
      const { server } = await deployment(t, backend);
      const alice = await person(t, server.url);
      const bob = await person(t, server.url);
      const room = await alice.tab.must('room:create', { name: `export-${randomUUID().slice(0, 8)}` });
      await bob.tab.must('room:join', { roomId: room.id });
      const kept = await alice.tab.send(room.id, 'alice keeps this');
      const gone = await alice.tab.send(room.id, 'alice regrets this secret');
      await alice.tab.reply(room.id, kept.serverOffset, 'alice in a thread');
      const bobs = await bob.tab.send(room.id, 'bob writes privately here');
      await alice.tab.must('message:delete', { roomId: room.id, target: gone.serverOffset, clientId: randomUUID() });
      await alice.tab.must('message:react', { roomId: room.id, target: bobs.serverOffset, emoji: '👍', on: true, clientId: randomUUID() });
      await bob.tab.must('message:react', { roomId: room.id, target: kept.serverOffset, emoji: '🎉', on: true, clientId: randomUUID() });
      const direct = await bob.tab.must('dm:open', { userId: alice.userId });
      await bob.tab.send(direct.id, 'bob to alice, directly');
      const uploaded = await fetch(`${server.url}/files?roomId=${room.id}&name=cat.png`, {
        method: 'POST',
        headers: { authorization: `Bearer ${alice.token}` },
        body: new Uint8Array(PNG),
      });
      assert.equal(uploaded.status, 200);
      const file = ((await uploaded.json()) as { data: { id: string; url: string } }).data;

      const response = await download(server.url, '/export/me', alice.token);
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
      assert.match(response.headers.get('content-disposition') ?? '', /^attachment;/);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      const raw = await response.text();
      const data = JSON.parse(raw) as {
        format: string;
        account: Record<string, unknown>;
        memberships: { roomId: number; roomName: string }[];
        messages: { roomId: number; roomName: string; offset: number; text: string; createdAt: number; threadRoot: number | null; redacted: unknown }[];
        reactions: { target: number; emoji: string; kind: string }[];
        files: { id: string; url: string; name: string }[];
      };
      assert.equal(data.format, 'parley-user-export/1');
      assert.deepEqual(Object.keys(data.account).sort(), ['createdAt', 'id', 'role', 'username']);
      assert.equal(data.account['id'], alice.userId);
      assert.deepEqual(
        data.memberships.map((member) => member.roomId).sort((a, b) => a - b),
        [room.id, direct.id].sort((a, b) => a - b),
        'the room and the direct room (general has no member rows: everyone is in it)',
      );
      assert.deepEqual(
        data.messages.map((message) => [message.offset, message.text, message.roomName, message.threadRoot]),
        [
          [kept.serverOffset, 'alice keeps this', room.name, null],
          [gone.serverOffset, '', room.name, null],
          [kept.serverOffset + 2, 'alice in a thread', room.name, kept.serverOffset],
        ],
      );
      assert.ok(data.messages[1]?.redacted, 'the deleted message is a tombstone');
      assert.ok(data.messages.every((message) => message.createdAt > 0 && message.roomId === room.id));
      assert.deepEqual(
        data.reactions.map((reaction) => [reaction.target, reaction.emoji, reaction.kind]),
        [[bobs.serverOffset, '👍', 'react']],
      );
      assert.deepEqual(
        data.files.map((listed) => [listed.id, listed.url, listed.name]),
        [[file.id, file.url, 'cat.png']],
      );
      for (const absent of ['regrets', 'bob writes', 'bob to alice', '🎉', alice.token, bob.token, 'scrypt', 'password']) {
        assert.ok(!raw.includes(absent), `the export holds no ${absent}`);
      }
      assert.equal((await download(server.url, file.url, alice.token)).status, 200, 'the listed URL downloads the file');
    });

    test("a person's export lists their edits, deletions, shares, pins and unpins, each message's last edit, and none of another person's", async (t) => {
      const { server } = await deployment(t, backend);
      const alice = await person(t, server.url);
      const bob = await person(t, server.url);
      const room = await alice.tab.must('room:create', { name: `changes-${randomUUID().slice(0, 8)}` });
      await bob.tab.must('room:join', { roomId: room.id });
      const change = (tab: Tab, event: 'message:edit' | 'message:delete' | 'message:pin' | 'message:unpin', target: number, text?: string) =>
        tab.must(event, { roomId: room.id, target, clientId: randomUUID(), ...(text === undefined ? {} : { text }) });

      const kept = await alice.tab.send(room.id, 'alice first draft');
      const firstEdit = await change(alice.tab, 'message:edit', kept.serverOffset, 'alice second draft');
      const lastEdit = await change(alice.tab, 'message:edit', kept.serverOffset, 'alice final words');
      const gone = await alice.tab.send(room.id, 'alice will regret');
      const goneEdit = await change(alice.tab, 'message:edit', gone.serverOffset, 'alice regrets even more');
      const deletion = await change(alice.tab, 'message:delete', gone.serverOffset);
      const reply = await alice.tab.must('message:send', { roomId: room.id, text: 'alice replies for all', clientId: randomUUID(), replyTo: kept.serverOffset, alsoToRoom: true });
      const bobs = await bob.tab.send(room.id, 'bob plain words');
      const pin = await change(alice.tab, 'message:pin', kept.serverOffset);
      const unpin = await change(alice.tab, 'message:unpin', kept.serverOffset);
      // Bob's own changes, in the same room and of alice's messages too: none is hers.
      await change(bob.tab, 'message:edit', bobs.serverOffset, 'bob edited privately');
      await change(bob.tab, 'message:pin', kept.serverOffset);
      const bobsGone = await bob.tab.send(room.id, 'bob takes back');
      await change(bob.tab, 'message:delete', bobsGone.serverOffset);
      await bob.tab.must('message:send', { roomId: room.id, text: 'bob replies for all', clientId: randomUUID(), replyTo: kept.serverOffset, alsoToRoom: true });

      const response = await download(server.url, '/export/me', alice.token);
      assert.equal(response.status, 200);
      const raw = await response.text();
      interface Item {
        roomId: number;
        roomName: string;
        offset: number;
        createdAt: number;
        target: number | null;
      }
      const data = JSON.parse(raw) as {
        messages: (Item & { text: string; editedAt: number | null; redacted: unknown })[];
        edits: (Item & { text: string; redacted: { by: string; at: number } | null })[];
        deletions: Item[];
        shares: Item[];
        pins: (Item & { kind: string })[];
      };
      assert.deepEqual(
        Object.keys(data),
        ['format', 'exportedAt', 'account', 'memberships', 'messages', 'edits', 'deletions', 'shares', 'pins', 'reactions', 'files'],
      );
      for (const item of [...data.messages, ...data.edits, ...data.deletions, ...data.shares, ...data.pins]) {
        assert.deepEqual([item.roomId, item.roomName], [room.id, room.name], 'each item names its room');
        assert.ok(item.createdAt > 0, 'each item has its time');
      }
      assert.deepEqual(
        data.edits.map((edit) => [edit.offset, edit.target, edit.text, edit.redacted === null]),
        [
          [firstEdit.serverOffset, kept.serverOffset, '', false],
          [lastEdit.serverOffset, kept.serverOffset, 'alice final words', true],
          [goneEdit.serverOffset, gone.serverOffset, '', false],
        ],
        'the replaced edit and the deleted message\'s edit are tombstones',
      );
      assert.equal(data.edits[0]?.redacted?.by, alice.username);
      const lastEditedAt = data.edits[1]?.createdAt;
      assert.deepEqual(
        data.messages.map((message) => [message.offset, message.text, message.editedAt]),
        [
          [kept.serverOffset, 'alice final words', lastEditedAt],
          [gone.serverOffset, '', data.edits[2]?.createdAt],
          [reply.serverOffset, 'alice replies for all', null],
        ],
        'each message as it reads now, with when it was last edited (null: never)',
      );
      assert.deepEqual(
        data.deletions.map((item) => [item.offset, item.target]),
        [[deletion.serverOffset, gone.serverOffset]],
      );
      assert.deepEqual(
        data.shares.map((item) => [item.offset, item.target]),
        [[reply.serverOffset + 1, reply.serverOffset]],
        'the share names the reply it showed in the room',
      );
      assert.deepEqual(
        data.pins.map((item) => [item.offset, item.kind, item.target]),
        [
          [pin.serverOffset, 'pin', kept.serverOffset],
          [unpin.serverOffset, 'unpin', kept.serverOffset],
        ],
        "alice's pin and unpin, not bob's pin of her message",
      );
      for (const absent of ['first draft', 'second draft', 'regret', 'bob edited', 'bob plain', 'bob takes back', 'bob replies']) {
        assert.ok(!raw.includes(absent), `the export holds no "${absent}"`);
      }
    });

    test('room and deployment exports: admins only (guests 401, members 403), audited, NDJSON in offset order, tombstones, no secrets; a large room streams whole', async (t) => {
      const { server, databaseUrl } = await deployment(t, backend);
      const alice = await person(t, server.url);
      const bob = await person(t, server.url);
      const admin = await person(t, server.url);
      await grantAdmin(databaseUrl, admin.username);
      const room = await alice.tab.must('room:create', { name: `audited-${randomUUID().slice(0, 8)}` });
      await bob.tab.must('room:join', { roomId: room.id });
      await alice.tab.send(room.id, 'first words');
      const gone = await bob.tab.send(room.id, 'bob takes this back');
      await bob.tab.must('message:delete', { roomId: room.id, target: gone.serverOffset, clientId: randomUUID() });
      const shared = await fetch(`${server.url}/files?roomId=${room.id}&name=chart.png`, {
        method: 'POST',
        headers: { authorization: `Bearer ${alice.token}` },
        body: new Uint8Array(PNG),
      });
      const file = ((await shared.json()) as { data: { id: string; url: string } }).data;
      // A room's export lists the files shared in it: those attached to its messages.
      await alice.tab.must('message:send', { roomId: room.id, text: 'the chart', clientId: randomUUID(), attachments: [file.id] });

      for (const path of ['/export/me', `/export/rooms/${room.id}`, '/export/all']) {
        const guest = await download(server.url, path);
        assert.equal(guest.status, 401, `a guest at ${path}`);
        assert.equal(((await guest.json()) as { error: string }).error, 'UNAUTHENTICATED');
        assert.equal((await download(server.url, path, 'forged-token-of-nobody')).status, 401, `a forged token at ${path}`);
      }
      for (const path of [`/export/rooms/${room.id}`, '/export/all']) {
        const member = await download(server.url, path, bob.token);
        assert.equal(member.status, 403, `a member at ${path}`);
        assert.equal(((await member.json()) as { error: string }).error, 'FORBIDDEN');
      }
      assert.equal((await download(server.url, '/export/rooms/999999', admin.token)).status, 404, 'an unknown room');
      assert.equal((await download(server.url, '/export/rooms/abc', admin.token)).status, 404, 'no room id');
      assert.equal((await download(server.url, '/export/rooms/1/../../all', admin.token)).status, 200, 'the URL parser resolves dots: /export/all');
      assert.equal((await download(server.url, '/export/me', alice.token, { method: 'POST' })).status, 405);

      const roomExport = await download(server.url, `/export/rooms/${room.id}`, admin.token);
      assert.equal(roomExport.status, 200);
      assert.match(roomExport.headers.get('content-type') ?? '', /^application\/x-ndjson/);
      const roomRaw = await roomExport.text();
      const roomLines = lines(roomRaw) as (EventLine & { id?: string; url?: string; name?: string })[];
      const events = roomLines.filter((line) => line.type === 'event');
      assert.deepEqual(
        roomLines.map((event) => [event.type, event.offset, event.kind, event.text]),
        [
          ['event', 1, 'message', 'first words'],
          ['event', 2, 'message', ''],
          ['event', 3, 'delete', ''],
          ['event', 4, 'message', 'the chart'],
          ['file', undefined, undefined, undefined],
        ],
        'the events in offset order, then the files',
      );
      assert.deepEqual([roomLines[4]?.id, roomLines[4]?.url, roomLines[4]?.name], [file.id, file.url, 'chart.png']);
      assert.equal(events[1]?.redacted?.by, bob.username, 'the deleted message is a tombstone naming who deleted it');
      assert.ok(!roomRaw.includes('takes this back'));

      const everything = await download(server.url, '/export/all', admin.token);
      assert.equal(everything.status, 200);
      const allRaw = await everything.text();
      const all = lines(allRaw) as { type: string; id?: unknown; username?: string; roomId?: number; offset?: number }[];
      const accounts = all.filter((line) => line.type === 'account');
      assert.deepEqual(accounts.map((line) => line.username).sort(), [alice.username, bob.username, admin.username].sort());
      for (const account of accounts) assert.deepEqual(Object.keys(account).sort(), ['createdAt', 'id', 'role', 'type', 'username']);
      assert.ok(all.some((line) => line.type === 'room' && line.id === room.id));
      assert.ok(all.some((line) => line.type === 'membership' && line.roomId === room.id));
      assert.deepEqual(
        all.filter((line) => line.type === 'event' && line.roomId === room.id).map((line) => line.offset),
        [1, 2, 3, 4],
      );
      for (const secret of [alice.token, bob.token, admin.token, 'scrypt', 'takes this back', 'password']) assert.ok(!allRaw.includes(secret), `no ${secret} in the full export`);

      const audit = await admin.tab.must('mod:audit', { limit: 20 });
      const exports = audit.filter((entry) => entry.action === 'export');
      assert.ok(exports.some((entry) => entry.roomId === room.id && entry.actor === admin.userId), 'the room export is in the audit log');
      assert.ok(exports.some((entry) => entry.roomId === null), 'the full export is in the audit log');

      // A large room: every event, in order, across pages.
      const large = await admin.tab.must('room:create', { name: `large-${randomUUID().slice(0, 8)}` });
      for (let start = 0; start < LARGE_ROOM; start += 50) {
        await Promise.all(Array.from({ length: Math.min(50, LARGE_ROOM - start) }, (_, index) => admin.tab.send(large.id, `line ${start + index}`)));
      }
      const streamed = await download(server.url, `/export/rooms/${large.id}`, admin.token);
      assert.equal(streamed.status, 200);
      assert.equal(streamed.headers.get('content-length'), null, 'streamed in chunks, not built whole first');
      const offsets = (lines(await streamed.text()) as EventLine[]).map((event) => event.offset);
      assert.deepEqual(offsets, Array.from({ length: LARGE_ROOM }, (_, index) => index + 1));
    });
  });
}

describe('data exports are priced', () => {
  test('per account (exports.user) and per address before any token is looked up (exports.address): 429 past them', async (t) => {
    const server = await startServer({
      workers: 1,
      env: { PARLEY_LIMITS: JSON.stringify({ 'exports.user': { points: 2, seconds: 600 }, 'exports.address': { points: 6, seconds: 600 } }) },
    });
    t.after(() => server.stop());
    const alice = await person(t, server.url);
    const answers: number[] = [];
    for (let index = 0; index < 3; index += 1) answers.push((await download(server.url, '/export/me', alice.token)).status);
    assert.deepEqual(answers, [200, 200, 429], 'the account spent its two');
    const forged: number[] = [];
    for (let index = 0; index < 4; index += 1) forged.push((await download(server.url, '/export/me', `forged-${index}`)).status);
    assert.deepEqual(forged, [401, 401, 401, 429], 'forged tokens spend the address: six requests in all, then 429');
    const spent = await download(server.url, '/export/me', alice.token);
    assert.equal(spent.status, 429);
    assert.equal(((await spent.json()) as { error: string }).error, 'RATE_LIMITED');
  });
});
