import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { Tab } from '../helpers/room-client.js';
import { skipUnlessMoto, startTestS3, type TestS3 } from '../helpers/s3-server.js';
import { startServer, tempDir, type RunningServer } from '../helpers/server.js';
import { fetchFile, signedIn, upload } from './uploads.js';

const skip = skipUnlessMoto();
const PREFIX = 'chat/files';

describe('PARLEY_FILES_STORE=s3: a Parley server keeps uploaded files in the bucket', { skip }, () => {
  let s3: TestS3;
  let server: RunningServer;
  const filesDir = tempDir('parley-s3-meta-');
  const tabs: Tab[] = [];

  before(async () => {
    s3 = await startTestS3();
    server = await startServer({ workers: 2, env: { ...s3.env(PREFIX), PARLEY_FILES_DIR: filesDir } });
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
    const kept = readFileSync(path.join(filesDir, 'blobs', info.id));
    assert.equal(kept.length, 0, 'the local folder keeps the metadata only, no content');

    const fetched = await fetchFile(server.url, token, info.url);
    assert.equal(fetched.status, 200);
    assert.equal(fetched.headers.get('content-type'), 'image/png');
    assert.deepEqual(Buffer.from(await fetched.arrayBuffer()), bytes);
  });

  test('S3 down: an upload is refused 503 UNAVAILABLE saying file storage is unavailable, a fetch too; the server does not crash, and recovers', async () => {
    const { token, roomId } = await member();
    const before = await upload(server.url, token, roomId, 'before.txt', Buffer.from('stored before the outage'));
    assert.equal(before.status, 200, JSON.stringify(before.body));
    const workers = server.workerPids().slice(-2);
    const metaFiles = readdirSync(path.join(filesDir, 'meta')).length;

    await s3.kill();
    const refused = await upload(server.url, token, roomId, 'during.txt', Buffer.from('sent during the outage'));
    assert.equal(refused.status, 503, JSON.stringify(refused.body));
    assert.deepEqual(refused.body, { ok: false, error: 'UNAVAILABLE', message: 'file storage is unavailable; try again later' });
    assert.equal(readdirSync(path.join(filesDir, 'meta')).length, metaFiles, 'no metadata for bytes that were not stored');
    const unreadable = await fetchFile(server.url, token, (before.body['data'] as { url: string }).url);
    assert.equal(unreadable.status, 503);
    assert.equal(((await unreadable.json()) as { error: string }).error, 'UNAVAILABLE');

    assert.equal((await fetch(`${server.url}/healthz`)).status, 200, 'still serving');
    assert.deepEqual(server.workerPids().slice(-2), workers, 'no worker died');
    assert.equal(server.stderr().includes('Error'), false, `no crash trace: ${server.stderr()}`);
    assert.ok(server.logs().some((line) => line.msg?.startsWith('file storage unavailable') && line['level'] === 50), 'the outage is logged as an error');

    await s3.start();
    const afterwards = await upload(server.url, token, roomId, 'after.txt', Buffer.from('stored after'));
    assert.equal(afterwards.status, 200, JSON.stringify(afterwards.body));
    const fetched = await fetchFile(server.url, token, (afterwards.body['data'] as { url: string }).url);
    assert.equal(await fetched.text(), 'stored after');
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
