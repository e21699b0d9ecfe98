import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { runUntilExit, tempDir } from '../helpers/server.js';

describe('PARLEY_FILES_STORE and PARLEY_S3_*: read once at start, an incomplete setting refused by name', () => {
  test('local by default; s3 with a bucket takes the defaults for the rest, a prefix ends with /', () => {
    assert.deepEqual(loadConfig({}).fileStorage, { kind: 'local' });
    assert.deepEqual(loadConfig({ PARLEY_FILES_STORE: 's3', PARLEY_S3_BUCKET: 'chat-files' }).fileStorage, {
      kind: 's3',
      bucket: 'chat-files',
      region: 'us-east-1',
      endpoint: undefined,
      prefix: '',
      forcePathStyle: false,
    });
    const custom = loadConfig({
      PARLEY_FILES_STORE: 's3',
      PARLEY_S3_BUCKET: 'chat-files',
      PARLEY_S3_REGION: 'eu-west-3',
      PARLEY_S3_ENDPOINT: 'http://minio.internal:9000',
      PARLEY_S3_PREFIX: 'parley/uploads',
      PARLEY_S3_FORCE_PATH_STYLE: 'true',
    }).fileStorage;
    assert.deepEqual(custom, { kind: 's3', bucket: 'chat-files', region: 'eu-west-3', endpoint: 'http://minio.internal:9000', prefix: 'parley/uploads/', forcePathStyle: true });
  });

  test('refused, naming the variable: s3 without a bucket, a bad bucket, endpoint, prefix or flag, and S3 variables with the local store', () => {
    const refused = (env: Record<string, string>, pattern: RegExp): void => assert.throws(() => loadConfig(env), pattern, JSON.stringify(env));
    refused({ PARLEY_FILES_STORE: 's3' }, /PARLEY_FILES_STORE is s3 but PARLEY_S3_BUCKET is unset/);
    refused({ PARLEY_FILES_STORE: 'ftp' }, /PARLEY_FILES_STORE/);
    refused({ PARLEY_FILES_STORE: 's3', PARLEY_S3_BUCKET: 'Bad_Bucket' }, /PARLEY_S3_BUCKET: must be an S3 bucket name/);
    refused({ PARLEY_FILES_STORE: 's3', PARLEY_S3_BUCKET: 'ok-bucket', PARLEY_S3_ENDPOINT: 'ftp://files' }, /PARLEY_S3_ENDPOINT/);
    refused({ PARLEY_FILES_STORE: 's3', PARLEY_S3_BUCKET: 'ok-bucket', PARLEY_S3_PREFIX: '/abs' }, /PARLEY_S3_PREFIX: must not start with \//);
    refused({ PARLEY_FILES_STORE: 's3', PARLEY_S3_BUCKET: 'ok-bucket', PARLEY_S3_PREFIX: '../x y' }, /PARLEY_S3_PREFIX/);
    refused({ PARLEY_FILES_STORE: 's3', PARLEY_S3_BUCKET: 'ok-bucket', PARLEY_S3_FORCE_PATH_STYLE: 'yes' }, /PARLEY_S3_FORCE_PATH_STYLE/);
    refused({ PARLEY_S3_BUCKET: 'chat-files', PARLEY_S3_ENDPOINT: 'http://minio:9000' }, /PARLEY_S3_BUCKET, PARLEY_S3_ENDPOINT set but PARLEY_FILES_STORE is local/);
  });

  test('a server started with PARLEY_FILES_STORE=s3 and no bucket exits at once with the reason, non-zero', async () => {
    const run = await runUntilExit('cluster.js', { PARLEY_WORKERS: '1', PARLEY_DATABASE_URL: `sqlite:${path.join(tempDir(), 'parley.db')}`, PARLEY_FILES_STORE: 's3' }, 60_000);
    assert.notEqual(run.code, 0);
    assert.notEqual(run.code, null, 'it exited by itself');
    assert.match(run.output, /PARLEY_S3_BUCKET is unset/);
  });
});
