import { after, before, describe } from 'node:test';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { S3FileStore } from '../../src/files/s3-file-store.js';
import { createLogger } from '../../src/log.js';
import { skipUnlessMoto, startTestS3, TEST_S3_ENV, type TestS3 } from '../helpers/s3-server.js';
import { fileStoreContract } from './file-store-contract.js';

Object.assign(process.env, TEST_S3_ENV);

const skip = skipUnlessMoto();

// What PARLEY_FILES_STORE=s3 runs: the bytes in the bucket (the metadata is the Store's).
// The same contract as the local folder's; "gone" means no object left in the bucket.
describe('an S3-compatible bucket: the FileStore contract', { skip }, () => {
  let s3: TestS3;
  let bytes: S3FileStore;
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
  fileStoreContract('S3 bucket', () => Promise.resolve(bytes), async (id) => !(await inBucket(id)));
});
