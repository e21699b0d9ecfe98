import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { hashPassword } from '../../src/accounts/passwords.js';
import { migrations } from '../../src/store/sqlite/migrations.js';
import { startServer, tempDir, type RunningServer } from '../helpers/server.js';
import { connectClient, newCookie, type IdentityClient, type IdentityClientOptions } from './clients.js';

const PASSWORD = 'correct horse battery';
const TAKEN = { ok: false, error: 'NAME_TAKEN', message: 'that name is taken' };
/** U+0410 CYRILLIC CAPITAL LETTER A: 'Аlice' looks like 'Alice'. */
const CYRILLIC_ALICE = '\u0410lice';

/** A name that looks like a taken one (UTS #39 confusables, NFKC) is taken, on a real 2-worker server. */
describe('look-alike names', () => {
  const servers: RunningServer[] = [];
  const open: IdentityClient[] = [];
  const client = async (server: RunningServer, options: IdentityClientOptions = {}): Promise<IdentityClient> => {
    const socket = await connectClient(server.url, { cookie: newCookie(), ...options });
    open.push(socket);
    return socket;
  };
  after(async () => {
    for (const socket of open) socket.close();
    for (const server of servers) assert.equal(await server.stop(), 0);
  });

  test('account:register and guest:nickname refuse a look-alike of an account or an online guest', async () => {
    const server = await startServer({ workers: 2 });
    servers.push(server);
    const [alice, mallory] = [await client(server, { worker: 0 }), await client(server, { worker: 1 })];
    assert.ok((await alice.emitWithAck('account:register', { username: 'alice', password: PASSWORD })).ok);

    assert.deepEqual(await mallory.emitWithAck('account:register', { username: CYRILLIC_ALICE, password: PASSWORD }), TAKEN);
    assert.deepEqual(await mallory.emitWithAck('guest:nickname', { nickname: CYRILLIC_ALICE }), TAKEN);
    assert.deepEqual(await mallory.emitWithAck('guest:nickname', { nickname: '\uff41\uff4c\uff49\uff43\uff45' }), TAKEN, 'fullwidth');
    const login = await mallory.emitWithAck('account:login', { username: CYRILLIC_ALICE, password: PASSWORD });
    assert.equal(!login.ok && login.error, 'INVALID_CREDENTIALS', 'a look-alike logs in as nobody');

    const martin = await client(server, { worker: 0 });
    assert.ok((await martin.emitWithAck('guest:nickname', { nickname: 'martin' })).ok);
    assert.deepEqual(await mallory.emitWithAck('guest:nickname', { nickname: 'rnartin' }), TAKEN, "'rn' looks like 'm'");
    assert.ok((await mallory.emitWithAck('guest:nickname', { nickname: 'mallory' })).ok, 'a name of its own is free');
  });

  test('an upgraded database: the older of two look-alike accounts keeps the name, the newer still logs in, the log says so', async () => {
    // A database written before names were keyed by look-alike (migration 3), holding
    // 'alice' and, registered later, 'Аlice' (Cyrillic А): distinct names then.
    const databaseFile = path.join(tempDir(), 'parley.db');
    const db = new Database(databaseFile);
    db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    for (const migration of migrations.filter((each) => each.version <= 3)) {
      db.exec(migration.sql ?? '');
      db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(migration.version, migration.name, Date.now());
    }
    for (const [id, username] of [[1, 'alice'], [2, CYRILLIC_ALICE]] as const) {
      const key = username.normalize('NFKC').toLowerCase();
      db.prepare('INSERT INTO accounts VALUES (?, ?, ?, ?, ?)').run(id, username, key, await hashPassword(PASSWORD), Date.now());
      db.prepare('INSERT INTO names VALUES (?, ?, ?, NULL, ?)').run(key, username, `a:${id}`, Date.now());
    }
    db.close();

    const server = await startServer({ workers: 2, databaseFile });
    servers.push(server);
    const report = server.logs().find((line) => String(line.msg).startsWith('migration 4:'));
    assert.ok(report, 'the migration reports the name it took');
    assert.equal(report.level, 40, 'as a warning');
    assert.match(String(report.msg), /holder a:2\).*looks like "alice" \(holder a:1\)/);

    const newer = await client(server, { worker: 1 });
    const login = await newer.emitWithAck('account:login', { username: CYRILLIC_ALICE, password: PASSWORD });
    assert.ok(login.ok && login.data.user.name === CYRILLIC_ALICE, 'the newer account still logs in');
    const guest = await client(server, { worker: 0 });
    assert.deepEqual(await guest.emitWithAck('guest:nickname', { nickname: 'ALICE' }), TAKEN, 'the older keeps the name');
  });
});
