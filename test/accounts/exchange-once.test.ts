import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { skipUnlessAvailable } from '../helpers/services.js';
import { startServer } from '../helpers/server.js';
import { postgresHarness, postgresReachable, postgresUrl } from '../store/harness.js';
import { connectClient, currentUser } from './clients.js';
import { cookieValue, exchange } from './session-http.js';

const PASSWORD = 'correct horse battery';
const postgresSkip = skipUnlessAvailable('PostgreSQL', await postgresReachable(), `at ${new URL(postgresUrl).host}`);

/**
 * Issue 22, defect 13: a sign-in's exchange code could be traded for the session cookie again
 * and again within its minute (whoever saw it once, in a log or a proxy, got the session
 * too). Now it is traded once, on whichever worker, even when the trades race.
 */
describe('a session exchange code works once', () => {
  for (const backend of ['SQLite', 'PostgreSQL'] as const) {
    test(`${backend}: the second trade, sequential or racing across workers, is refused`, { skip: backend === 'PostgreSQL' && postgresSkip }, async (t) => {
      const harness = backend === 'PostgreSQL' ? await postgresHarness() : undefined;
      if (harness) {
        t.after(() => harness.dispose());
        await (await harness.open()).close();
      }
      const server = await startServer({ workers: 2, env: harness ? { PARLEY_DATABASE_URL: harness.databaseUrl } : {} });
      t.after(() => server.stop());
      const socket = await connectClient(server.url);
      t.after(() => socket.close());

      const first = await socket.emitWithAck('account:register', { username: `once${backend}`, password: PASSWORD });
      assert.ok(first.ok, JSON.stringify(first));
      const traded = await exchange(server.url, first.data.exchange);
      assert.equal(traded.status, 204);
      const cookie = cookieValue(traded.setCookie);
      assert.ok(cookie);
      for (let again = 0; again < 4; again++) {
        const replay = await exchange(server.url, first.data.exchange);
        assert.equal(replay.status, 400, 'a replay of a traded code');
        assert.equal(replay.setCookie, undefined);
      }
      const tab = await connectClient(server.url, { cookie });
      t.after(() => tab.close());
      assert.deepEqual(currentUser(tab), first.data.user, 'the one trade made the account cookie');

      // Sixteen trades of one fresh code at once, spread over both workers: exactly one wins.
      const login = await socket.emitWithAck('account:login', { username: `once${backend}`, password: PASSWORD });
      assert.ok(login.ok, JSON.stringify(login));
      const race = await Promise.all(Array.from({ length: 16 }, () => exchange(server.url, login.data.exchange)));
      assert.deepEqual(
        race.map((answer) => answer.status).sort(),
        [204, ...Array.from({ length: 15 }, () => 400)],
        'one trade wins the race',
      );
    });
  }
});
