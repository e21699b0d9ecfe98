import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { AuditView, RoomEvent, SearchResults } from '../../src/shared/events.js';
import { skipUnlessNodesCanRun, startDeployment } from '../helpers/nodes.js';
import { newBrowser, Tab } from '../helpers/room-client.js';
import { startServer } from '../helpers/server.js';
import { adminApi } from '../moderation/moderation-client.js';

const ADMIN_TOKEN = 'retention-test-admin-token-0123456789';
const DAY_MS = 86_400_000;
const ENV = { PARLEY_ADMIN_TOKENS: ADMIN_TOKEN, PARLEY_RETENTION_INTERVAL_MS: '300' };

/** A deployment under test: two URLs (two workers of one node, or two nodes) on one database. */
interface Deployed {
  readonly urls: readonly [string, string];
  readonly databaseUrl: string;
  /** Moves the stored time of every event of a room back by `ms`, as if they were written that long ago. */
  readonly age: (roomId: number, ms: number) => Promise<void>;
  readonly stop: () => Promise<void>;
}

const backends: { name: string; skip: () => Promise<string | false>; start: () => Promise<Deployed> }[] = [
  {
    name: 'SQLite, one node of 2 workers',
    skip: async () => false,
    start: async () => {
      const server = await startServer({ workers: 2, env: ENV });
      return {
        urls: [server.url, server.url],
        databaseUrl: `sqlite:${server.databaseFile}`,
        age: async (roomId, ms) => {
          const db = new Database(server.databaseFile);
          try {
            db.pragma('busy_timeout = 10000');
            db.prepare('UPDATE messages SET created_at = created_at - ? WHERE room_id = ?').run(ms, roomId);
          } finally {
            db.close();
          }
        },
        stop: async () => void (await server.stop()),
      };
    },
  },
  {
    name: 'PostgreSQL and Redis, two nodes',
    skip: skipUnlessNodesCanRun,
    start: async () => {
      const deployment = await startDeployment({ nodes: 2, workers: 1, env: ENV });
      const [first, second] = deployment.urls();
      return {
        urls: [first ?? '', second ?? ''],
        databaseUrl: deployment.databaseUrl,
        age: async (roomId, ms) => {
          const client = new pg.Client({ connectionString: deployment.databaseUrl });
          await client.connect();
          try {
            await client.query('UPDATE messages SET created_at = created_at - $1 WHERE room_id = $2', [ms, roomId]);
          } finally {
            await client.end();
          }
        },
        stop: () => deployment.close(),
      };
    },
  },
];

const isTombstone = (event: RoomEvent | undefined): boolean => event !== undefined && event.text === '' && event.redacted !== undefined;

for (const backend of backends) {
  describe(`retention (${backend.name})`, { skip: await backend.skip() }, () => {
    let deployed: Deployed;
    const tabs: Tab[] = [];
    const open = async (url: string, rooms?: Record<string, number>): Promise<Tab> => {
      const tab = await Tab.open(url, { browser: newBrowser(), ...(rooms ? { rooms } : {}) });
      tabs.push(tab);
      return tab;
    };
    before(async () => {
      deployed = await backend.start();
    });
    after(async () => {
      for (const tab of tabs.splice(0)) tab.close();
      await deployed?.stop();
    });

    test("a room's rule erases its old messages everywhere they are served (live, history, search, catch-up) and keeps newer ones", async () => {
      const [here, there] = deployed.urls;
      const word = `okapi${randomUUID().slice(0, 6)}`;
      const writer = await open(here);
      const room = await writer.must('room:create', { name: `retention-${randomUUID().slice(0, 8)}` });
      const old = [await writer.send(room.id, `${word} old 1`), await writer.send(room.id, `${word} old 2`)];
      await writer.must('message:edit', { roomId: room.id, target: old[0]?.serverOffset, text: `${word} old 1 edited`, clientId: randomUUID() });
      await writer.must('message:react', { roomId: room.id, target: old[1]?.serverOffset, emoji: '👍', on: true, clientId: randomUUID() });
      await deployed.age(room.id, 3 * DAY_MS);
      const fresh = [await writer.send(room.id, `${word} new 1`), await writer.send(room.id, `${word} new 2`)];

      // A follower on the other node, live; and a tab that saw nothing since offset 0 and comes back later.
      const follower = await open(there);
      await follower.must('room:join', { roomId: room.id });
      const head = fresh[1]?.serverOffset ?? 0;

      const member = await open(there);
      const forbidden = await member.call('mod:retention', { roomId: room.id, days: 2 });
      assert.equal(!forbidden.ok && forbidden.error, 'FORBIDDEN', 'a member sets no rule');
      const set = await adminApi(there, ADMIN_TOKEN, 'POST', 'retention', { roomId: room.id, days: 2 });
      assert.deepEqual(set.body, { ok: true, data: { roomId: room.id, days: 2 } });

      const oldOffsets = old.map((sent) => sent?.serverOffset);
      await follower.waitFor(
        () => oldOffsets.every((offset) => follower.eventsOf(room.id).some((event) => event.kind === 'delete' && event.target === offset)),
        'the live follower is sent a deletion of each old message',
        20_000,
      );

      const history = await writer.must('history:before', { roomId: room.id });
      const byOffset = new Map(history.map((event) => [event.offset, event]));
      for (const offset of oldOffsets) assert.ok(isTombstone(byOffset.get(offset ?? 0)), `offset ${offset} is a tombstone in history`);
      for (const event of history.filter((event) => event.kind === 'edit' || event.kind === 'react')) assert.ok(isTombstone(event), `its ${event.kind} is erased too`);
      assert.deepEqual(
        fresh.map((sent) => byOffset.get(sent?.serverOffset ?? 0)?.text),
        [`${word} new 1`, `${word} new 2`],
        'newer messages are kept',
      );
      assert.ok(!history.some((event) => event.text.includes('old')), 'no old text is served');

      const searcher = await open(there);
      await searcher.must('room:join', { roomId: room.id });
      const found = (await searcher.must('search:messages', { query: word })) as SearchResults;
      assert.deepEqual(found.hits.map((hit) => hit.event.text).sort(), [`${word} new 1`, `${word} new 2`]);

      const comeback = await open(here);
      await comeback.must('room:join', { roomId: room.id, after: 0 });
      await comeback.waitFor(() => comeback.eventsOf(room.id).some((event) => event.offset >= head), 'caught up');
      const caughtUp = comeback.eventsOf(room.id);
      for (const offset of oldOffsets) assert.ok(isTombstone(caughtUp.find((event) => event.offset === offset)), `catch-up serves offset ${offset} as a tombstone`);
      assert.ok(!caughtUp.some((event) => event.text.includes('old')));

      const audit = await adminApi(here, ADMIN_TOKEN, 'GET', 'audit?limit=200');
      assert.ok(audit.body.ok);
      const actions = (audit.body.data as AuditView[]).filter((line) => line.roomId === room.id).map((line) => line.action);
      assert.ok(actions.includes('retention-rule'), 'the rule is audited');
      assert.ok(actions.includes('retention'), 'the erasure is audited');
    });

    test('rooms without a rule keep everything when PARLEY_RETENTION_DAYS is 0', async () => {
      const writer = await open(deployed.urls[0]);
      const room = await writer.must('room:create', { name: `keep-${randomUUID().slice(0, 8)}` });
      const sent = await writer.send(room.id, 'kept for ever');
      await deployed.age(room.id, 400 * DAY_MS);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const history = await writer.must('history:before', { roomId: room.id });
      assert.equal(history.find((event) => event.offset === sent.serverOffset)?.text, 'kept for ever');
    });
  });
}


describe('retention: the deployment rule (PARLEY_RETENTION_DAYS) on SQLite', () => {
  test('erases old messages of rooms without a rule of their own, and a room rule overrides it', async () => {
    const server = await startServer({ workers: 2, env: { ...ENV, PARLEY_RETENTION_DAYS: '2' } });
    const tabs: Tab[] = [];
    try {
      const writer = await Tab.open(server.url, { browser: newBrowser() });
      tabs.push(writer);
      const ruled = await writer.must('room:create', { name: `global-${randomUUID().slice(0, 8)}` });
      const longer = await writer.must('room:create', { name: `longer-${randomUUID().slice(0, 8)}` });
      const set = await adminApi(server.url, ADMIN_TOKEN, 'POST', 'retention', { roomId: longer.id, days: 30 });
      assert.ok(set.body.ok, JSON.stringify(set.body));
      const old = await writer.send(ruled.id, 'three days old');
      const kept = await writer.send(longer.id, 'three days old, in a room that keeps 30');
      const db = new Database(server.databaseFile);
      try {
        db.pragma('busy_timeout = 10000');
        db.prepare('UPDATE messages SET created_at = created_at - ? WHERE room_id IN (?, ?)').run(3 * DAY_MS, ruled.id, longer.id);
      } finally {
        db.close();
      }
      const fresh = await writer.send(ruled.id, 'new');
      await writer.waitFor(() => writer.eventsOf(ruled.id).some((event) => event.kind === 'delete' && event.target === old.serverOffset), 'the old message is deleted', 20_000);
      const history = await writer.must('history:before', { roomId: ruled.id });
      assert.ok(isTombstone(history.find((event) => event.offset === old.serverOffset)));
      assert.equal(history.find((event) => event.offset === fresh.serverOffset)?.text, 'new');
      const other = await writer.must('history:before', { roomId: longer.id });
      assert.equal(other.find((event) => event.offset === kept.serverOffset)?.text, 'three days old, in a room that keeps 30');
    } finally {
      for (const tab of tabs) tab.close();
      await server.stop();
    }
  });
});
