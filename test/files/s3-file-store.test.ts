import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { FileStorageUnavailableError } from '../../src/files/file-store.js';
import { newFileId } from '../../src/files/ids.js';
import { S3FileStore } from '../../src/files/s3-file-store.js';
import { createLogger } from '../../src/log.js';
import { skipUnlessMoto, startTestS3, TEST_S3_ENV, type TestS3 } from '../helpers/s3-server.js';

// The store finds its credentials as in production: the AWS SDK reads them from the environment.
Object.assign(process.env, TEST_S3_ENV);

const skip = skipUnlessMoto();
const PREFIX = 'parley-files/';

describe('S3FileStore: files\' bytes in a bucket of a real S3-compatible server (moto)', { skip }, () => {
  let s3: TestS3;
  let files: S3FileStore;
  const logged: Record<string, unknown>[] = [];
  const log = createLogger('info');

  before(async () => {
    s3 = await startTestS3();
    const sink = log.child({ module: 'files' });
    // The store's outage lines, captured: one line per outage, however many requests fail.
    for (const level of ['error', 'info'] as const) {
      const original = sink[level].bind(sink);
      sink[level] = ((object: Record<string, unknown>, message: string) => {
        logged.push({ ...object, level, msg: message });
        original(object, message);
      }) as typeof sink.error;
    }
    files = new S3FileStore({ kind: 's3', bucket: s3.bucket, region: 'us-east-1', endpoint: s3.endpoint, prefix: PREFIX, forcePathStyle: true }, sink);
  });
  after(async () => {
    await files?.close();
    await s3?.close();
  });

  const objectKeys = async (): Promise<string[]> => {
    const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: s3.bucket }));
    return (listed.Contents ?? []).map((object) => object.Key ?? '');
  };

  test('bytes put are read back whole, as one object under the prefix, stored as octet-stream', async () => {
    const id = newFileId();
    const bytes = Buffer.from([0, 1, 2, 255, 254, 0x0a, 0x0d]);
    await files.put(id, bytes);
    assert.deepEqual(await files.read(id), bytes);
    assert.ok((await objectKeys()).includes(`${PREFIX}${id}`));
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: `${PREFIX}${id}` }));
    assert.equal(head.ContentType, 'application/octet-stream', 'a bucket opened by mistake serves no page');

    const large = Buffer.alloc(3 * 1024 * 1024 + 17, 0x5a);
    const largeId = newFileId();
    await files.put(largeId, large);
    assert.deepEqual(await files.read(largeId), large, 'a few megabytes, byte for byte');
  });

  test('a put again under the same id replaces the bytes', async () => {
    const id = newFileId();
    await files.put(id, Buffer.from('first'));
    await files.put(id, Buffer.from('second'));
    assert.deepEqual(await files.read(id), Buffer.from('second'));
  });

  test('a deleted file is gone from the bucket; deleting it again, or an unknown id, is no error', async () => {
    const id = newFileId();
    await files.put(id, Buffer.from('short-lived'));
    await files.delete(id);
    assert.equal(await files.read(id), undefined);
    assert.ok(!(await objectKeys()).includes(`${PREFIX}${id}`), 'no object left');
    await files.delete(id);
    await files.delete(newFileId());
  });

  test('a missing id reads as undefined; ids that are not ours never become keys', async () => {
    assert.equal(await files.read(newFileId()), undefined);
    for (const id of ['../other', 'a/b', '', 'x'.repeat(33), '%2e%2e']) {
      assert.equal(await files.read(id), undefined, id);
      await files.delete(id);
      await assert.rejects(files.put(id, Buffer.from('x')), /not a file id/, id);
    }
    assert.ok((await objectKeys()).every((key) => /^parley-files\/[A-Za-z0-9_-]{32}$/.test(key)), 'only file ids under the prefix');
  });

  test('a bucket that does not exist is an outage (FileStorageUnavailableError), not a missing file', async () => {
    const elsewhere = new S3FileStore({ kind: 's3', bucket: 'no-such-bucket-here', region: 'us-east-1', endpoint: s3.endpoint, prefix: '', forcePathStyle: true }, log.child({ module: 'files' }));
    try {
      await assert.rejects(elsewhere.read(newFileId()), FileStorageUnavailableError);
      await assert.rejects(elsewhere.put(newFileId(), Buffer.from('x')), FileStorageUnavailableError);
    } finally {
      await elsewhere.close();
    }
  });

  test('S3 down: every call fails with FileStorageUnavailableError after bounded retries, logged once; back up, it works again', async () => {
    const id = newFileId();
    await files.put(id, Buffer.from('kept'));
    logged.length = 0;
    await s3.kill();
    const startedAt = Date.now();
    await assert.rejects(files.put(newFileId(), Buffer.from('x')), (error: unknown) => error instanceof FileStorageUnavailableError && /file storage unavailable/.test(error.message));
    await assert.rejects(files.read(id), FileStorageUnavailableError);
    await assert.rejects(files.delete(id), FileStorageUnavailableError);
    assert.ok(Date.now() - startedAt < 20_000, `bounded retries, not a hang (${Date.now() - startedAt} ms)`);
    const outage = logged.filter((line) => line['level'] === 'error');
    assert.equal(outage.length, 1, `one line per outage: ${JSON.stringify(logged)}`);
    assert.match(String(outage[0]?.['reason']), /ECONNREFUSED|connect/i);

    await s3.start();
    const again = newFileId();
    await files.put(again, Buffer.from('back'));
    assert.deepEqual(await files.read(again), Buffer.from('back'));
    assert.ok(logged.some((line) => line['msg'] === 'file storage answers again'), 'the end of the outage is told');
  });
});
