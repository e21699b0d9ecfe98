import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { AuditView, ResetLink } from '../../src/shared/events.js';
import { grantAdmin } from '../helpers/admin-command.js';
import { skipUnlessNodesCanRun, startDeployment } from '../helpers/nodes.js';
import { startServer } from '../helpers/server.js';
import { adminApi } from '../moderation/moderation-client.js';
import { connectClient, refusal, type IdentityClient } from './clients.js';

const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'staple battery horse';
const ADMIN_TOKEN = 'password-test-admin-token-0123456789';
const RESET_TTL_S = 6;
/** The address's password budget is shared by every test here: only the per-account price is under test. */
const ENV = {
  PARLEY_ADMIN_TOKENS: ADMIN_TOKEN,
  PARLEY_PASSWORD_RESET_TTL_S: String(RESET_TTL_S),
  PARLEY_LIMITS: JSON.stringify({ 'password.address': { points: 10_000, seconds: 60 }, 'register.address': { points: 10_000, seconds: 60 } }),
};
const unique = (prefix: string): string => `${prefix}${randomUUID().slice(0, 8)}`;

/** A deployment under test: two URLs (two workers of one node, or two nodes) on one database. */
interface Deployed {
  readonly urls: readonly [string, string];
  readonly databaseUrl: string;
  readonly stop: () => Promise<void>;
}

const backends: { name: string; skip: () => Promise<string | false>; start: () => Promise<Deployed> }[] = [
  {
    name: 'SQLite, one node of 2 workers',
    skip: async () => false,
    start: async () => {
      const server = await startServer({ workers: 2, env: ENV });
      return { urls: [server.url, server.url], databaseUrl: `sqlite:${server.databaseFile}`, stop: async () => void (await server.stop()) };
    },
  },
  {
    name: 'PostgreSQL and Redis, two nodes',
    skip: skipUnlessNodesCanRun,
    start: async () => {
      const deployment = await startDeployment({ nodes: 2, workers: 1, env: ENV });
      const [first, second] = deployment.urls();
      return { urls: [first ?? '', second ?? ''], databaseUrl: deployment.databaseUrl, stop: () => deployment.close() };
    },
  },
];

for (const backend of backends) {
  describe(`passwords (${backend.name})`, { skip: await backend.skip() }, () => {
    let deployed: Deployed;
    const opened: IdentityClient[] = [];
    const client = async (url: string, token?: string): Promise<IdentityClient> => {
      const socket = await connectClient(url, token === undefined ? {} : { token });
      opened.push(socket);
      return socket;
    };
    /** A new account, signed in on a connection to `url`; answers its connection and token. */
    const register = async (url: string, username: string): Promise<{ socket: IdentityClient; token: string; userId: string }> => {
      const socket = await client(url);
      const ack = await socket.emitWithAck('account:register', { username, password: PASSWORD });
      assert.ok(ack.ok, JSON.stringify(ack));
      return { socket, token: ack.data.token, userId: ack.data.user.id };
    };
    const login = async (url: string, username: string, password = PASSWORD): Promise<{ socket: IdentityClient; token: string }> => {
      const socket = await client(url);
      const ack = await socket.emitWithAck('account:login', { username, password });
      assert.ok(ack.ok, JSON.stringify(ack));
      return { socket, token: ack.data.token };
    };
    const disconnected = (socket: IdentityClient): Promise<void> =>
      socket.connected ? new Promise((resolve) => socket.once('disconnect', () => resolve())) : Promise.resolve();
    const audit = async (): Promise<AuditView[]> => {
      const answer = await adminApi(deployed.urls[0], ADMIN_TOKEN, 'GET', 'audit?limit=200');
      assert.ok(answer.body.ok, JSON.stringify(answer.body));
      return answer.body.data as AuditView[];
    };

    let adminName: string;
    let admin: IdentityClient;
    before(async () => {
      deployed = await backend.start();
      adminName = unique('root');
      admin = (await register(deployed.urls[0], adminName)).socket;
      await grantAdmin(deployed.databaseUrl, adminName);
    });
    after(async () => {
      for (const socket of opened.splice(0)) socket.close();
      await deployed?.stop();
    });

    test('a change signs out every other session on every node (sockets closed, tokens refused); this tab stays', async () => {
      const name = unique('ada');
      const [here, there] = deployed.urls;
      const mine = await register(here, name);
      const elsewhere = await login(there, name);
      const another = await login(here, name);
      const gone = Promise.all([disconnected(elsewhere.socket), disconnected(another.socket)]);

      const ack = await mine.socket.emitWithAck('account:password', { current: PASSWORD, next: NEW_PASSWORD });
      assert.deepEqual(ack, { ok: true, data: { signedOut: 2 } });
      await gone;
      assert.ok(mine.socket.connected, 'the tab that changed the password stays');
      for (const token of [elsewhere.token, another.token]) {
        assert.match(await refusal(there, { token }), /invalid or expired session token/);
      }
      assert.equal(await refusal(there, { token: mine.token }), 'connected', "this tab's own session still works");
      const old = await (await client(there)).emitWithAck('account:login', { username: name, password: PASSWORD });
      assert.equal(!old.ok && old.error, 'INVALID_CREDENTIALS');
      await login(there, name, NEW_PASSWORD);
      const entry = (await audit()).find((line) => line.action === 'password-change' && line.target === mine.userId);
      assert.ok(entry, 'the change is in the audit log');
      assert.match(entry.detail, /2 session/);
    });

    test('a wrong current password is refused, changes nothing, and is priced per account over every connection', async () => {
      const name = unique('bea');
      const mine = await register(deployed.urls[0], name);
      const answers: string[] = [];
      for (let attempt = 0; attempt < 6; attempt++) {
        // A fresh connection each (on either node): the connection's own budget is no way around the account's.
        const tab = await client(deployed.urls[attempt % 2] ?? '', mine.token);
        const ack = await tab.emitWithAck('account:password', { current: `wrong guess ${attempt}`, next: NEW_PASSWORD });
        answers.push(ack.ok ? 'ok' : ack.error);
      }
      assert.deepEqual(answers, ['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'RATE_LIMITED']);
      assert.ok(mine.socket.connected);
      await login(deployed.urls[1], name, PASSWORD);
      const guest = await client(deployed.urls[0]);
      const refused = await guest.emitWithAck('account:password', { current: PASSWORD, next: NEW_PASSWORD });
      assert.equal(!refused.ok && refused.error, 'UNAUTHENTICATED');
    });

    test('a reset link is issued by an admin alone, works once, signs every session out, and is audited', async () => {
      const name = unique('cy');
      const target = await register(deployed.urls[1], name);
      const member = (await register(deployed.urls[0], unique('dee'))).socket;
      const forbidden = await member.emitWithAck('mod:password-reset', { username: name });
      assert.equal(!forbidden.ok && forbidden.error, 'FORBIDDEN');
      const self = await admin.emitWithAck('mod:password-reset', { username: adminName });
      assert.equal(!self.ok && self.error, 'FORBIDDEN', 'an admin cannot reset an admin, itself included');

      const issued = await admin.emitWithAck('mod:password-reset', { username: name });
      assert.ok(issued.ok, JSON.stringify(issued));
      const link: ResetLink = issued.data;
      assert.equal(link.path, `/#reset=${link.token}`);
      assert.equal(link.userId, target.userId);

      const gone = disconnected(target.socket);
      const stranger = await client(deployed.urls[0]);
      const used = await stranger.emitWithAck('account:reset', { token: link.token, password: NEW_PASSWORD });
      assert.deepEqual(used, { ok: true, data: { username: name } });
      await gone;
      assert.match(await refusal(deployed.urls[1], { token: target.token }), /invalid or expired session token/);
      const again = await (await client(deployed.urls[1])).emitWithAck('account:reset', { token: link.token, password: 'a third password' });
      assert.equal(!again.ok && again.error, 'INVALID_CREDENTIALS', 'a link works once');
      await login(deployed.urls[1], name, NEW_PASSWORD);

      const actions = (await audit()).filter((line) => line.target === target.userId).map((line) => line.action);
      assert.deepEqual(actions.sort(), ['password-reset', 'password-reset-issued']);
    });

    test('a reset link expires; the operator issues them over the HTTP admin API', async () => {
      const name = unique('eve');
      await register(deployed.urls[0], name);
      const issued = await adminApi(deployed.urls[1], ADMIN_TOKEN, 'POST', 'password-reset', { username: name });
      assert.equal(issued.status, 200, JSON.stringify(issued.body));
      assert.ok(issued.body.ok);
      const link = issued.body.data as ResetLink;
      await new Promise((resolve) => setTimeout(resolve, RESET_TTL_S * 1000 + 500));
      const late = await (await client(deployed.urls[0])).emitWithAck('account:reset', { token: link.token, password: NEW_PASSWORD });
      assert.equal(!late.ok && late.error, 'INVALID_CREDENTIALS');
      await login(deployed.urls[0], name, PASSWORD);
    });
  });
}
