import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { Tab } from '../helpers/room-client.js';
import { skipUnlessMoto, startTestS3, type TestS3 } from '../helpers/s3-server.js';
import { startServer, tempDir, type RunningServer } from '../helpers/server.js';
import { fetchFile, signedIn, upload } from './uploads.js';

const skip = skipUnlessMoto();
const PREFIX = 'chat/files';
// Small enough that the outage test shows a failed upload is not counted against its sender.
const QUOTA_BYTES = 1_000_000;

/** Files under `dir` (recursively) named with `id` that hold any bytes: a local copy of the file. */
function localCopies(dir: string, id: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return localCopies(full, id);
    return entry.name.includes(id) && !entry.name.endsWith('.json') && statSync(full).size > 0 ? [full] : [];
  });
}

describe('PARLEY_FILES_STORE=s3: a Parley server keeps uploaded files in the bucket', { skip }, () => {
  let s3: TestS3;
  let server: RunningServer;
  const filesDir = tempDir('parley-s3-meta-');
  const tabs: Tab[] = [];

  before(async () => {
    s3 = await startTestS3();
    server = await startServer({ workers: 2, env: { ...s3.env(PREFIX), PARLEY_FILES_DIR: filesDir, PARLEY_FILES_QUOTA_BYTES: String(QUOTA_BYTES) } });
  });
  after(async () => {
    for (const tab of tabs) tab.close();
    if (server) assert.equal(await server.stop(), 0, 'a graceful stop');
    await s3?.close();
  });

  const member = async (): Promise<{ token: string; roomId: number }> => {
    const alice = await signedIn(server.url);
    tabs.push(alice.tab);
    const room = await alice.tab.must('room:create', { name: `s3-${randomUUID().slice(0, 8)}` });
    return { token: alice.token, roomId: room.id };
  };

  test('a file uploaded through POST /files is an object of the bucket and comes back whole through GET /files/<id>', async () => {
    const { token, roomId } = await member();
    const bytes = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(200 * 1024)]);
    const uploaded = await upload(server.url, token, roomId, 'photo.png', bytes);
    assert.equal(uploaded.status, 200, JSON.stringify(uploaded.body));
    const info = uploaded.body['data'] as { id: string; url: string; type: string; size: number };
    assert.deepEqual({ type: info.type, size: info.size }, { type: 'image/png', size: bytes.length });

    const object = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `${PREFIX}/${info.id}` }));
    assert.deepEqual(Buffer.from(await object.Body!.transformToByteArray()), bytes, 'the bytes are in the bucket under the prefix');
    assert.deepEqual(localCopies(filesDir, info.id), [], 'no copy of the content in the local folder');

    const fetched = await fetchFile(server.url, token, info.url);
    assert.equal(fetched.status, 200);
    assert.equal(fetched.headers.get('content-type'), 'image/png');
    assert.deepEqual(Buffer.from(await fetched.arrayBuffer()), bytes);
  });

  test('S3 down: an upload is refused 503 UNAVAILABLE saying file storage is unavailable, a fetch too; the server does not crash, and recovers', async () => {
    const { token, roomId } = await member();
    const before = await upload(server.url, token, roomId, 'before.txt', Buffer.alloc(300_000, 0x61));
    assert.equal(before.status, 200, JSON.stringify(before.body));
    const workers = server.workerPids().slice(-2);

    await s3.kill();
    const refused = await upload(server.url, token, roomId, 'during.txt', Buffer.alloc(600_000, 0x62));
    assert.equal(refused.status, 503, JSON.stringify(refused.body));
    assert.deepEqual(refused.body, { ok: false, error: 'UNAVAILABLE', message: 'file storage is unavailable; try again later' });
    const unreadable = await fetchFile(server.url, token, (before.body['data'] as { url: string }).url);
    assert.equal(unreadable.status, 503);
    assert.equal(((await unreadable.json()) as { error: string }).error, 'UNAVAILABLE');

    assert.equal((await fetch(`${server.url}/healthz`)).status, 200, 'still serving');
    assert.deepEqual(server.workerPids().slice(-2), workers, 'no worker died');
    assert.equal(server.stderr().includes('Error'), false, `no crash trace: ${server.stderr()}`);
    assert.ok(server.logs().some((line) => line.msg?.startsWith('file storage unavailable') && line['level'] === 50), 'the outage is logged as an error');

    await s3.start();
    // 300 kB + 600 kB fits the 1 MB quota only if the upload that failed left nothing counted.
    const afterwards = await upload(server.url, token, roomId, 'after.txt', Buffer.alloc(600_000, 0x63));
    assert.equal(afterwards.status, 200, JSON.stringify(afterwards.body));
    const fetched = await fetchFile(server.url, token, (afterwards.body['data'] as { url: string }).url);
    assert.deepEqual(Buffer.from(await fetched.arrayBuffer()), Buffer.alloc(600_000, 0x63));
  });

  test('hostile: a bad id, a path for an id, an empty body, an unknown room are clear 4xx answers, never a bucket request that crashes', async () => {
    const { token, roomId } = await member();
    assert.equal((await fetchFile(server.url, token, `/files/${'A'.repeat(32)}`)).status, 404, 'an unknown id');
    assert.equal((await fetchFile(server.url, token, '/files/..%2F..%2Fchat')).status, 404, 'a path is no id');
    const empty = await upload(server.url, token, roomId, 'empty.txt', Buffer.alloc(0));
    assert.equal(empty.status, 400, JSON.stringify(empty.body));
    const nowhere = await upload(server.url, token, 987_654, 'x.txt', Buffer.from('x'));
    assert.ok(nowhere.status >= 400 && nowhere.status < 500, JSON.stringify(nowhere.body));
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
  });
});
