import assert from 'node:assert/strict';
import { randomBytes, scryptSync } from 'node:crypto';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { startServer, type RunningServer } from '../helpers/server.js';
import { connectClient } from './clients.js';

const PASSWORD = 'correct horse battery';
const OWASP_COST = /^scrypt\$131072\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{86}$/;

/** A hash as Parley stored it before the cost was raised: N = 2^15. */
function oldHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password.normalize('NFC'), salt, 64, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
  return ['scrypt', 2 ** 15, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$');
}

const storedHash = (databaseFile: string): string => {
  const db = new Database(databaseFile, { readonly: true });
  try {
    return db.prepare<[], { password_hash: string }>('SELECT password_hash FROM accounts').get()?.password_hash ?? '';
  } finally {
    db.close();
  }
};

/** scrypt at OWASP's minimum (N = 2^17, r = 8, p = 1); older hashes are replaced at login. */
describe('password cost', () => {
  const servers: RunningServer[] = [];
  after(async () => {
    for (const server of servers) await server.stop();
  });

  test('a new account is hashed at N = 2^17; an N = 2^15 hash logs in and is rehashed at N = 2^17', async () => {
    const first = await startServer({ workers: 2 });
    servers.push(first);
    const registrar = await connectClient(first.url);
    assert.ok((await registrar.emitWithAck('account:register', { username: 'Knuth', password: PASSWORD })).ok);
    registrar.close();
    assert.equal(await first.stop(), 0);
    assert.match(storedHash(first.databaseFile), OWASP_COST, 'registered at the current cost');

    const db = new Database(first.databaseFile);
    db.prepare('UPDATE accounts SET password_hash = ?').run(oldHash(PASSWORD));
    db.close();

    const second = await startServer({ workers: 2, databaseFile: first.databaseFile });
    servers.push(second);
    const wrong = await connectClient(second.url);
    assert.equal((await wrong.emitWithAck('account:login', { username: 'knuth', password: 'not the password' })).ok, false);
    wrong.close();
    assert.match(storedHash(second.databaseFile), /^scrypt\$32768\$/, 'a failed login changes nothing');

    const user = await connectClient(second.url);
    const login = await user.emitWithAck('account:login', { username: 'knuth', password: PASSWORD });
    assert.ok(login.ok, JSON.stringify(login));
    user.close();
    assert.match(storedHash(second.databaseFile), OWASP_COST, 'rehashed at the current cost');

    const again = await connectClient(second.url);
    assert.ok((await again.emitWithAck('account:login', { username: 'knuth', password: PASSWORD })).ok, 'the new hash logs in');
    again.close();
    assert.equal(await second.stop(), 0);
  });
});
