import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { createStore } from '../../src/store/index.js';
import { DEFAULT_ROOM } from '../../src/store/store.js';
import { tempDir } from '../helpers/server.js';

/**
 * Redaction on SQLite reaches the disk: once the write-ahead log is checkpointed (here, by
 * closing the last connection), the database file holds neither the deleted text nor its
 * words in the full-text index. Without `secure_delete` the text stays in the page's free
 * space, and without FTS5's `secure-delete` its words stay in the index's older segments.
 */
test('SQLite: a deleted text is gone from the database file once checkpointed', async () => {
  const file = path.join(tempDir('parley-erased-'), 'parley.db');
  try {
    const store = await createStore(`sqlite:${file}`);
    const general = (await store.roomByName(DEFAULT_ROOM))?.id ?? 0;
    const append = (text: string) => store.appendMessage({ roomId: general, author: 'alice', authorId: 'a:1', text, idempotencyKey: null });
    for (let n = 0; n < 300; n++) await append(`filler message number ${n} with some words`);
    const secret = (await append('my password is Zqxjkvhunter77')).message;
    for (let n = 0; n < 50; n++) await append(`more filler ${n}`);
    await store.appendMessage({ roomId: general, author: 'alice', authorId: 'a:1', text: '', kind: 'delete', target: secret.offset, idempotencyKey: null });
    await store.close();

    const bytes = fs.readFileSync(file);
    assert.equal(fs.existsSync(`${file}-wal`), false, 'the last close checkpointed the log');
    assert.equal(bytes.includes('Zqxjkvhunter77'), false, 'the text is not in the file');
    assert.equal(bytes.includes('zqxjkvhunter77'), false, 'nor its word in the full-text index');
    assert.equal(bytes.includes('filler message number 299'), true, 'while the other messages are');
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
});
