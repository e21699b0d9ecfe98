import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { startServer, type RunningServer } from '../helpers/server.js';
import { connectClient, newCookie } from './clients.js';

/** Passwords, tokens and cookies are never stored in clear. */
describe('stored secrets', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ workers: 2 });
  });
  after(async () => {
    assert.equal(await server.stop(), 0);
  });

  test('the database holds scrypt hashes and token hashes, never the password, token or cookie', async () => {
    const password = 'Pa55word-that-must-not-leak';
    const cookie = newCookie();
    const socket = await connectClient(server.url, { cookie });
    const ack = await socket.emitWithAck('account:register', { username: 'keeper', password });
    socket.close();
    assert.ok(ack.ok);
    await server.stop();

    const db = new Database(server.databaseFile, { readonly: true });
    try {
      const account = db.prepare<[], { password_hash: string }>('SELECT password_hash FROM accounts').get();
      assert.match(account?.password_hash ?? '', /^scrypt\$131072\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{86}$/);
      const session = db.prepare<[], { token_hash: string }>('SELECT token_hash FROM sessions').get();
      assert.ok(session && session.token_hash !== ack.data.token);
    } finally {
      db.close();
    }
    // Every byte on disk (the file and its write-ahead log), not just the columns we know of.
    const dir = server.databaseFile.replace(/[^/]+$/, '');
    for (const file of fs.readdirSync(dir)) {
      const bytes = fs.readFileSync(dir + file);
      for (const secret of [password, ack.data.token, cookie]) {
        assert.equal(bytes.includes(Buffer.from(secret)), false, `${file} does not contain a secret in clear`);
      }
    }
    assert.equal(JSON.stringify(server.logs()).includes(password), false, 'the logs never show the password');
  });
});
