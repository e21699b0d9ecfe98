import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { connectClient } from '../accounts/clients.js';
import { DeliveryChecker, readHistory } from '../helpers/checker.js';
import { startServer, tempDir, type RunningServer } from '../helpers/server.js';
import { letTimePass, pace } from '../helpers/waits.js';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** `npm run backup -- <file>` as the README gives it, for the database in `databaseUrl`. */
async function backup(databaseUrl: string, target: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npm', ['run', '--silent', 'backup', '--', target], {
      cwd: root,
      env: { ...process.env, PARLEY_DATABASE_URL: databaseUrl },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/**
 * Issue 12, part 7: an online backup of the SQLite database while Parley runs under
 * traffic, then stop, restore, start: every message acknowledged before the backup
 * began, and every account, is there; the history is gap-free and in order.
 */
describe('backup and restore (SQLite)', () => {
  const servers: RunningServer[] = [];
  after(async () => {
    for (const server of servers) await server.stop();
  });

  test('a backup taken under traffic restores every message acknowledged before it and every account', async (t) => {
    const server = await startServer({ workers: 2 });
    servers.push(server);
    const registrar = await connectClient(server.url);
    assert.ok((await registrar.emitWithAck('account:register', { username: 'lovelace', password: 'analytical engine' })).ok);
    registrar.close();

    const checker = new DeliveryChecker(server.url, { clients: 6 });
    t.after(() => checker.closeAll());
    await checker.connectAll();
    let stopped = false;
    const sending = Promise.all(
      checker.clients.map(async (client) => {
        while (!stopped) {
          await checker.send(client);
          await pace(5, 'the next message');
        }
      }),
    );
    await letTimePass(1000, 'traffic runs before the backup');
    const ackedBefore = checker.acknowledged().map((send) => send.text);
    const target = path.join(tempDir('parley-backup-'), 'parley-backup.db');
    const result = await backup(`sqlite:${server.databaseFile}`, target);
    await letTimePass(500, 'traffic runs after the backup');
    stopped = true;
    await sending;
    assert.equal(result.code, 0, `backup exits 0: ${result.stderr}`);
    assert.match(result.stdout, /backup written to .*: \d+ bytes, \d+ messages, 1 accounts, integrity check ok/);
    const ackedInAll = checker.acknowledged().length;
    assert.ok(ackedInAll > ackedBefore.length, 'messages were acknowledged while the backup ran');
    assert.ok(ackedBefore.length > 20, `traffic before the backup (${ackedBefore.length})`);
    assert.equal(await server.stop(), 0);

    // Restore: the backup replaces the database file (and its WAL), then Parley starts on it.
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${server.databaseFile}${suffix}`, { force: true });
    fs.copyFileSync(target, server.databaseFile);
    const restored = await startServer({ workers: 2, databaseFile: server.databaseFile });
    servers.push(restored);
    const inBackup = new Database(target, { readonly: true }).prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM messages').get()?.n ?? 0;
    const history = await readHistory(restored.url, inBackup);
    assert.deepEqual(
      history.map((delivery) => delivery.serverOffset),
      Array.from({ length: history.length }, (_, index) => index + 1),
      'offsets 1..N, no gap',
    );
    const texts = new Set(history.map((delivery) => delivery.text));
    assert.equal(texts.size, history.length, 'no message twice');
    assert.deepEqual(
      ackedBefore.filter((text) => !texts.has(text)),
      [],
      'every message acknowledged before the backup began is in the restored history',
    );
    assert.ok(history.length <= ackedInAll, 'nothing that was never sent');
    const user = await connectClient(restored.url);
    const login = await user.emitWithAck('account:login', { username: 'lovelace', password: 'analytical engine' });
    assert.ok(login.ok, `the account is there: ${JSON.stringify(login)}`);
    user.close();
    t.diagnostic(`${ackedBefore.length} acknowledged before the backup, ${history.length} in it, ${ackedInAll} in all`);
  });

  test('the backup refuses to overwrite a file, and a PostgreSQL database points to pg_dump', async () => {
    const dir = tempDir('parley-backup-');
    const existing = path.join(dir, 'taken.db');
    fs.writeFileSync(existing, 'keep me');
    const server = await startServer({ workers: 1 });
    servers.push(server);
    const refused = await backup(`sqlite:${server.databaseFile}`, existing);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /exists already/);
    assert.equal(fs.readFileSync(existing, 'utf8'), 'keep me');
    const postgres = await backup('postgres://nobody@127.0.0.1:1/none', path.join(dir, 'pg.db'));
    assert.equal(postgres.code, 1);
    assert.match(postgres.stderr, /pg_dump/);
    const usage = await backup(`sqlite:${server.databaseFile}`, '');
    assert.notEqual(usage.code, 0);
  });
});
