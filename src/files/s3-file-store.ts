import type { S3Client } from '@aws-sdk/client-s3';
import type { S3Settings } from '../config.js';
import type { Logger } from '../log.js';
import { FileStorageUnavailableError, type FileStore } from './file-store.js';

/** An id as files/ids.ts makes them: nothing else becomes an object key. */
const ID = /^[A-Za-z0-9_-]{32}$/;

/**
 * Attempts per request, the first included, with the SDK's standard back-off between them:
 * a blip (a dropped connection, a 503 SlowDown) is retried, an outage fails within a second
 * or two rather than holding the upload's request open.
 */
const MAX_ATTEMPTS = 3;

/** How long one attempt may wait to connect, and for the whole answer (a 10 MiB body included). */
const CONNECT_TIMEOUT_MS = 3_000;
const REQUEST_TIMEOUT_MS = 30_000;

/** The AWS SDK's S3 module, loaded by the first S3 store of a process only (see S3FileStore). */
type S3Sdk = typeof import('@aws-sdk/client-s3');

/** Options for tests and tools; the server builds the store from its configuration alone. */
export interface S3FileStoreOptions {
  /** A client of one's own (the SDK's defaults are replaced entirely). @default one built from the settings */
  readonly client?: S3Client;
}

/**
 * Files' bytes in a bucket of an S3-compatible object store, one object per file
 * (`<prefix><id>`), so that every node of a deployment serves every file. A PUT of one
 * object is atomic in S3: a file is whole or absent. Objects are stored as
 * `application/octet-stream` whatever they hold, so that a bucket opened to the world by
 * mistake serves no page; Parley serves files itself, with its own headers.
 *
 * A failure of the bucket (unreachable, refused credentials, no such bucket) is logged once
 * per outage, with the SDK's reason, and thrown as FileStorageUnavailableError; the end of
 * the outage is logged too.
 *
 * The SDK is imported when the first store is made, not with this module: a deployment on
 * the local folder does not pay its load time and memory (some 130 ms and 20 MB per worker).
 */
export class S3FileStore implements FileStore {
  private readonly ready: Promise<{ readonly sdk: S3Sdk; readonly client: S3Client }>;
  private failing = false;

  constructor(
    private readonly settings: S3Settings,
    private readonly log: Logger,
    options: S3FileStoreOptions = {},
  ) {
    this.ready = import('@aws-sdk/client-s3').then((sdk) => ({ sdk, client: options.client ?? newClient(sdk, settings) }));
    // A failed load is each call's FileStorageUnavailableError, never an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  async put(id: string, bytes: Buffer): Promise<void> {
    if (!ID.test(id)) throw new Error('not a file id');
    await this.call('put', id, ({ sdk, client }) =>
      client.send(new sdk.PutObjectCommand({ Bucket: this.settings.bucket, Key: this.key(id), Body: bytes, ContentLength: bytes.length, ContentType: 'application/octet-stream' })),
    );
  }

  async read(id: string): Promise<Buffer | undefined> {
    if (!ID.test(id)) return undefined;
    return this.call('read', id, async ({ sdk, client }) => {
      try {
        const object = await client.send(new sdk.GetObjectCommand({ Bucket: this.settings.bucket, Key: this.key(id) }));
        return object.Body ? Buffer.from(await object.Body.transformToByteArray()) : Buffer.alloc(0);
      } catch (error) {
        if (isNoSuchKey(sdk, error)) return undefined;
        throw error;
      }
    });
  }

  async delete(id: string): Promise<void> {
    if (!ID.test(id)) return;
    // S3 answers 204 for a key that is not there: deleting twice is no error.
    await this.call('delete', id, ({ sdk, client }) => client.send(new sdk.DeleteObjectCommand({ Bucket: this.settings.bucket, Key: this.key(id) })));
  }

  /** Lets the client's sockets go (tests; the server's process ends with them). */
  async close(): Promise<void> {
    const loaded = await this.ready.catch(() => undefined);
    loaded?.client.destroy();
  }

  private key(id: string): string {
    return `${this.settings.prefix}${id}`;
  }

  /** Runs one request: a failure becomes FileStorageUnavailableError, logged once per outage. */
  private async call<T>(operation: string, id: string, request: (s3: { readonly sdk: S3Sdk; readonly client: S3Client }) => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await request(await this.ready);
    } catch (error) {
      if (!this.failing) {
        this.failing = true;
        this.log.error({ operation, key: this.key(id), bucket: this.settings.bucket, reason: describe(error) }, 'file storage unavailable: uploads and fetches fail until it answers again');
      }
      throw new FileStorageUnavailableError(`file storage unavailable (${operation})`, { cause: error });
    }
    if (this.failing) {
      this.failing = false;
      this.log.info({ operation, bucket: this.settings.bucket }, 'file storage answers again');
    }
    return result;
  }
}

/** A client of the configured bucket's server; credentials are found by the SDK's own chain. */
function newClient(sdk: S3Sdk, settings: S3Settings): S3Client {
  return new sdk.S3Client({
    region: settings.region,
    endpoint: settings.endpoint,
    forcePathStyle: settings.forcePathStyle,
    maxAttempts: MAX_ATTEMPTS,
    retryMode: 'standard',
    requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS },
    // Checksums only where S3 requires them: many S3-compatible servers refuse the
    // newer default trailing checksums (aws-chunked bodies) the SDK would otherwise send.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** No object under the key; a missing bucket (also a 404) is an outage, not a missing file. */
function isNoSuchKey(sdk: S3Sdk, error: unknown): boolean {
  if (!(error instanceof sdk.S3ServiceException) || error.name === 'NoSuchBucket') return false;
  return error.name === 'NoSuchKey' || error.$metadata.httpStatusCode === 404;
}

/** An error the S3 server answered (without the SDK at hand: the SDK's failure to load is described too). */
const isServiceError = (error: unknown): error is Error & { $metadata: { httpStatusCode?: number } } =>
  error instanceof Error && '$metadata' in error && typeof error.$metadata === 'object' && error.$metadata !== null;

/** The SDK's reason in one line: its error name, the HTTP status when there was one, the message. */
function describe(error: unknown): string {
  if (isServiceError(error)) return `${error.name} (HTTP ${error.$metadata.httpStatusCode ?? '?'}): ${error.message}`;
  if (error instanceof Error) return `${error.name}: ${error.message}${'code' in error ? ` (${String(error.code)})` : ''}`;
  return String(error);
}
