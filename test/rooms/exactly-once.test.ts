import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startServer, type RunningServer } from '../helpers/server.js';
import { skipUnlessAvailable } from '../helpers/services.js';
import { postgresHarness, postgresReachable, postgresUrl, type StoreHarness } from '../store/harness.js';
import { newBrowser, Tab } from '../helpers/room-client.js';
import { readRoom, RoomChecker } from '../helpers/checker.js';
import { jitter } from '../helpers/waits.js';


/**
 * The exactly-once checker of the tutorial's room, now across several public rooms and
 * direct rooms at once: users with several tabs on both workers, concurrent senders and
 * random transport drops.
 */
function exactlyOnce(backend: string, database: () => Promise<Record<string, string>>, skip: string | false): void {
  describe(`room protocol on ${backend}: exactly-once, in-order delivery across rooms and direct rooms`, () => {
    let server: RunningServer | undefined;
    before(async () => {
      if (!skip) server = await startServer({ workers: 2, env: await database() });
    });
    after(async () => {
      await server?.stop();
    });

    test('6 users, 10 tabs, 3 public rooms, 4 direct rooms, random disconnects', { skip }, async (t) => {
      const url = server?.url ?? assert.fail('no server');
      const browsers = Array.from({ length: 6 }, () => newBrowser());
      const tabsOf = browsers.map((browser, user) =>
        Array.from({ length: user < 4 ? 2 : 1 }, () => new Tab(url, { browser, retries: true, transports: user % 2 ? ['polling', 'websocket'] : ['websocket'] })),
      );
      const tabs = tabsOf.flat();
      t.after(() => tabs.forEach((tab) => tab.close()));
      await Promise.all(tabs.map((tab) => tab.waitFor(() => tab.socket.connected, 'connected')));
      const workers = new Set(tabs.map((tab) => tab.socket.io.engine.id.split('.')[0]));
      assert.equal(workers.size, 2, 'tabs are spread over both workers');

      const first = (user: number): Tab => tabsOf[user]?.[0] ?? assert.fail('no tab');
      const users = await Promise.all(tabsOf.map((userTabs) => (userTabs[0] ?? assert.fail('no tab')).whoAmI()));
      const followers = new Map<number, Tab[]>();
      for (let index = 0; index < 3; index++) {
        const room = await first(0).must('room:create', { name: `checked-${index}-${randomUUID()}` });
        followers.set(room.id, tabs);
      }
      for (const [a, b] of [[0, 1], [2, 3], [4, 5], [0, 5]] as const) {
        const direct = await first(a).must('dm:open', { userId: users[b]?.id });
        followers.set(direct.id, [...(tabsOf[a] ?? []), ...(tabsOf[b] ?? [])]);
      }
      for (const [roomId, roomTabs] of followers) await Promise.all(roomTabs.map((tab) => tab.must('room:join', { roomId, after: 0 })));

      const checker = new RoomChecker();
      // A count of sends, not a duration, so a busy machine still makes enough traffic; the
      // deadline only bounds the loop.
      const deadline = Date.now() + 60_000;
      let drops = 0;
      await Promise.all(
        tabs.map(async (tab) => {
          const mine = [...followers].filter(([, roomTabs]) => roomTabs.includes(tab)).map(([roomId]) => roomId);
          for (let round = 0; round < 40 && Date.now() < deadline; round++) {
            await checker.send(tab, mine[Math.floor(Math.random() * mine.length)] ?? assert.fail('no room'));
            if (Math.random() < 0.06) {
              drops++;
              tab.socket.io.engine.close(); // the transport drops; the client reconnects with auth.rooms
            }
            await jitter(20);
          }
        }),
      );
      assert.ok(drops > 5, `exercised reconnects (${drops})`);
      assert.ok(checker.acknowledged().length > 300, `enough traffic (${checker.acknowledged().length} acknowledged)`);

      const histories = new Map<number, Awaited<ReturnType<typeof readRoom>>>();
      for (const [roomId, roomTabs] of followers) histories.set(roomId, await readRoom(roomTabs[0] ?? assert.fail('no tab'), roomId));
      await checker.verify(tabs, followers, histories);
    });
  });
}

exactlyOnce('SQLite', async () => ({}), false);

const postgresSkip = skipUnlessAvailable('PostgreSQL', await postgresReachable(), `at ${new URL(postgresUrl).host}`);
let postgres: StoreHarness | undefined;
after(async () => {
  await postgres?.dispose();
});
exactlyOnce(
  'PostgreSQL',
  async () => {
    postgres = await postgresHarness();
    return { PARLEY_DATABASE_URL: postgres.databaseUrl };
  },
  postgresSkip,
);
