import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { BytesElsewhereFileStore } from '../../src/files/bytes-elsewhere-file-store.js';
import { LocalFileStore } from '../../src/files/local-file-store.js';
import { S3FileStore } from '../../src/files/s3-file-store.js';
import { createLogger } from '../../src/log.js';
import { skipUnlessMoto, startTestS3, TEST_S3_ENV, type TestS3 } from '../helpers/s3-server.js';
import { tempDir } from '../helpers/server.js';
import { fileStoreContract } from './file-store-contract.js';

Object.assign(process.env, TEST_S3_ENV);

const skip = skipUnlessMoto();

/** Whether any file under `dir` (recursively) has `id` in its name. */
function mentions(dir: string, id: string): boolean {
  if (!existsSync(dir)) return false;
  return readdirSync(dir, { withFileTypes: true }).some((entry) => (entry.isDirectory() ? mentions(path.join(dir, entry.name), id) : entry.name.includes(id)));
}

// What PARLEY_FILES_STORE=s3 runs on this branch: the bytes in the bucket, the metadata in the
// folder. The same contract as the local folder's, and "gone" means gone from both.
describe('the bucket for the bytes, the folder for the metadata: the FileStore contract', { skip }, () => {
  let s3: TestS3;
  let bytes: S3FileStore;
  const root = tempDir('parley-bridge-');
  before(async () => {
    s3 = await startTestS3();
    bytes = new S3FileStore({ kind: 's3', bucket: s3.bucket, region: 'us-east-1', endpoint: s3.endpoint, prefix: '', forcePathStyle: true }, createLogger('silent'));
  });
  after(async () => {
    await bytes?.close();
    await s3?.close();
  });

  const inBucket = (id: string): Promise<boolean> =>
    s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: id })).then(
      () => true,
      () => false,
    );
  fileStoreContract(
    'S3 bytes, local metadata',
    () => Promise.resolve(new BytesElsewhereFileStore(new LocalFileStore(root), bytes)),
    async (id) => !mentions(root, id) && !(await inBucket(id)),
  );
});
