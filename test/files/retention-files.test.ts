import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { newBrowser, Tab } from '../helpers/room-client.js';
import { startServer } from '../helpers/server.js';
import { adminApi } from '../moderation/moderation-client.js';
import type { FileInfo } from '../../src/shared/protocol/files.js';

const ADMIN_TOKEN = 'retention-files-admin-token-0123456789';
const DAY_MS = 86_400_000;
const PDF = Buffer.from('%PDF-1.4\n% old minutes\n');

test("retention erasing an old message removes its files: 404 after, a newer message's file stays", async () => {
  const server = await startServer({ workers: 2, env: { PARLEY_ADMIN_TOKENS: ADMIN_TOKEN, PARLEY_RETENTION_INTERVAL_MS: '300' } });
  const tab = await Tab.open(server.url, { browser: newBrowser() });
  try {
    const { token } = await tab.must('account:register', { username: `r${randomUUID().slice(0, 8)}`, password: 'correct horse battery' });
    const room = await tab.must('room:create', { name: `kept-${randomUUID().slice(0, 8)}` });
    const upload = async (name: string): Promise<FileInfo> => {
      const response = await fetch(`${server.url}/files?roomId=${room.id}&name=${name}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: new Uint8Array(PDF) });
      return ((await response.json()) as { data: FileInfo }).data;
    };
    const fetchStatus = async (file: FileInfo): Promise<number> => (await fetch(`${server.url}${file.url}`, { headers: { authorization: `Bearer ${token}` } })).status;
    const old = await upload('old.pdf');
    await tab.must('message:send', { roomId: room.id, text: 'old minutes', clientId: randomUUID(), attachments: [old.id] });
    const db = new Database(server.databaseFile);
    try {
      db.pragma('busy_timeout = 10000');
      db.prepare('UPDATE messages SET created_at = created_at - ? WHERE room_id = ?').run(3 * DAY_MS, room.id);
    } finally {
      db.close();
    }
    const recent = await upload('new.pdf');
    await tab.must('message:send', { roomId: room.id, text: 'new minutes', clientId: randomUUID(), attachments: [recent.id] });
    assert.equal(await fetchStatus(old), 200);

    const set = await adminApi(server.url, ADMIN_TOKEN, 'POST', 'retention', { roomId: room.id, days: 2 });
    assert.ok(set.body.ok, JSON.stringify(set.body));
    const deadline = Date.now() + 20_000;
    while ((await fetchStatus(old)) !== 404) {
      assert.ok(Date.now() < deadline, 'retention removed the old file');
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    assert.equal(await fetchStatus(recent), 200);
  } finally {
    tab.close();
    await server.stop();
  }
});
