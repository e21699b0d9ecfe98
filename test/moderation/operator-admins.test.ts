import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ackOf, codeOf } from '../helpers/ack.js';
import { adminCommand } from '../helpers/admin-command.js';
import { skipUnlessAvailable } from '../helpers/services.js';
import { startServer } from '../helpers/server.js';
import { postgresHarness, postgresReachable, postgresUrl } from '../store/harness.js';
import { accountTab, must, PASSWORD, watchedTab } from './moderation-client.js';

const TOKEN = 'operator-admins-test-admin-token-0123';
const postgresSkip = skipUnlessAvailable('PostgreSQL', await postgresReachable(), `at ${new URL(postgresUrl).host}`);

/**
 * Issue 22, defect 2: with `PARLEY_ADMINS=boss`, whoever registered `BOSS`, the full-width
 * `ｂｏｓｓ`, or a guest nickname `owner` under `PARLEY_ADMINS=owner`, became an admin. Now no
 * name a remote party chooses makes an admin: PARLEY_ADMINS stops the start, and the
 * operator grants the role on the server (`npm run admin`), to the account named exactly.
 */
describe('only the operator makes admins', () => {
  test('a start with PARLEY_ADMINS set is refused, saying to use npm run admin -- grant', async () => {
    await assert.rejects(
      startServer({ workers: 1, env: { PARLEY_ADMINS: 'boss,owner' } }),
      (error: Error) => /PARLEY_ADMINS is no longer read/.test(error.message) && error.message.includes('npm run admin -- grant "boss"'),
    );
  });

  for (const backend of ['SQLite', 'PostgreSQL'] as const) {
    test(`${backend}: names chosen by strangers make no admin; grant, list and revoke by exact name take effect at once`, { skip: backend === 'PostgreSQL' && postgresSkip }, async (t) => {
      const harness = backend === 'PostgreSQL' ? await postgresHarness() : undefined;
      if (harness) {
        t.after(() => harness.dispose());
        // Migrated before the workers start, so they do not race to create the schema's tables.
        await (await harness.open()).close();
      }
      const server = await startServer({
        workers: 2,
        env: { PARLEY_ADMIN_TOKENS: TOKEN, ...(harness ? { PARLEY_DATABASE_URL: harness.databaseUrl } : {}) },
      });
      t.after(() => server.stop());
      const databaseUrl = harness?.databaseUrl ?? `sqlite:${server.databaseFile}`;
      const tabs: { close(): void }[] = [];
      t.after(() => tabs.forEach((tab) => tab.close()));

      // The attacks of the report, on a fresh deployment: every one of them is a member.
      const { watched: upper } = await accountTab(server.url, 'BOSS');
      const { watched: wide } = await accountTab(server.url, 'ｒｏｏｔ');
      const guest = await watchedTab(server.url);
      tabs.push(upper.tab.socket, wide.tab.socket, guest.tab.socket);
      await must(guest.tab.socket, 'guest:nickname', { nickname: 'owner' });
      await must(guest.tab.socket, 'account:register', { username: 'owner', password: PASSWORD });
      for (const tab of [upper, wide, guest]) assert.deepEqual(await must(tab.tab.socket, 'mod:me', {}), { role: 'member' });

      // The operator's command finds only the account named exactly as typed.
      const notBoss = await adminCommand(databaseUrl, 'grant', 'boss');
      assert.equal(notBoss.status, 1, notBoss.stderr);
      assert.match(notBoss.stderr, /no account is named exactly "boss"; account a:\d+ is named "BOSS"/);
      const notRoot = await adminCommand(databaseUrl, 'grant', 'root');
      assert.equal(notRoot.status, 1);
      assert.match(notRoot.stderr, /is named "\\u\{ff52\}\\u\{ff4f\}\\u\{ff4f\}\\u\{ff54\}"/, 'a look-alike is shown as what it is');
      assert.equal((await adminCommand(databaseUrl, 'grant', 'nobody-has-this')).status, 1);
      assert.equal((await adminCommand(databaseUrl, 'grant')).status, 2, 'a wrong call prints the usage');
      assert.equal((await adminCommand(databaseUrl, 'list')).stdout, 'no admins or moderators yet: npm run admin -- grant <username>\n');
      for (const tab of [upper, wide, guest]) assert.deepEqual(await must(tab.tab.socket, 'mod:me', {}), { role: 'member' }, 'refused grants change nothing');

      // The real owner of "owner" is made admin while the server runs: it counts at once.
      const granted = await adminCommand(databaseUrl, 'grant', 'owner');
      assert.equal(granted.status, 0, granted.stderr);
      assert.match(granted.stdout, /^a:\d+ "owner" is now an admin \(was a member\)\n$/);
      assert.deepEqual(await must(guest.tab.socket, 'mod:me', {}), { role: 'admin' }, 'the same connection is an admin at once');
      assert.deepEqual(await must(upper.tab.socket, 'mod:me', {}), { role: 'member' });
      assert.match((await adminCommand(databaseUrl, 'list')).stdout, /^a:\d+\tadmin\t"owner"\n$/);

      // An admin's role command is exact too: "root" is not "ｒｏｏｔ".
      assert.equal(codeOf(await ackOf(guest.tab.socket, 'mod:role', { username: 'root', role: 'moderator' })), 'UNKNOWN_USER');
      assert.equal(codeOf(await ackOf(guest.tab.socket, 'mod:role', { username: 'boss', role: 'moderator' })), 'UNKNOWN_USER');
      await must(guest.tab.socket, 'mod:role', { username: 'BOSS', role: 'moderator' });
      assert.deepEqual(await must(upper.tab.socket, 'mod:me', {}), { role: 'moderator' });

      // The audit log names the operator's command.
      const audit = await (await fetch(`${server.url}/admin/api/audit?limit=5`, { headers: { authorization: `Bearer ${TOKEN}` } })).json();
      const actors = (audit as { data: { actor: string; action: string; detail: string }[] }).data.map((entry) => `${entry.actor} ${entry.action} ${entry.detail}`);
      assert.ok(actors.includes('operator:cli role admin'), JSON.stringify(actors));

      const revoked = await adminCommand(databaseUrl, 'revoke', 'owner');
      assert.equal(revoked.status, 0, revoked.stderr);
      assert.deepEqual(await must(guest.tab.socket, 'mod:me', {}), { role: 'member' }, 'revoked at once');
      assert.match((await adminCommand(databaseUrl, 'list')).stdout, /^a:\d+\tmoderator\t"BOSS"\n$/);
    });
  }
});
