import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { freePort } from './server.js';
import { skipUnlessAvailable } from './services.js';
import { pace } from './waits.js';

/** The credentials every test client and server uses: moto takes any. */
export const TEST_S3_CREDENTIALS = { accessKeyId: 'parley-test', secretAccessKey: 'parley-test-secret' } as const;

/** The AWS SDK's own variables for those credentials, for the Parley servers a test starts. */
export const TEST_S3_ENV: Readonly<Record<string, string>> = {
  AWS_ACCESS_KEY_ID: TEST_S3_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: TEST_S3_CREDENTIALS.secretAccessKey,
  // No credential lookup on an instance metadata service that is not there.
  AWS_EC2_METADATA_DISABLED: 'true',
};

/** How moto's server mode is started here: `python3 -m moto.server`, else `moto_server`; undefined when neither is installed. */
function motoCommand(): readonly string[] | undefined {
  if (spawnSync('python3', ['-c', 'import moto.server'], { stdio: 'ignore', timeout: 60_000 }).status === 0) return ['python3', '-m', 'moto.server'];
  if (spawnSync('moto_server', ['--help'], { stdio: 'ignore', timeout: 60_000 }).status === 0) return ['moto_server'];
  return undefined;
}

let command: readonly string[] | undefined | null = null;
const motoInstalled = (): readonly string[] | undefined => (command === null ? (command = motoCommand()) : command);

/**
 * The skip reason for a suite that needs an S3-compatible server (moto's server mode), or
 * false when moto is installed; loud when it is not, and a failure under
 * PARLEY_REQUIRE_SERVICES=1 (.ci/run installs it).
 */
export function skipUnlessMoto(): string | false {
  return skipUnlessAvailable('moto (an S3-compatible server for the tests)', motoInstalled() !== undefined, "not installed: pip install 'moto[server]'");
}

/** moto's S3 on a free port of 127.0.0.1, with one empty bucket; every test closes the one it started. */
export interface TestS3 {
  readonly endpoint: string;
  readonly bucket: string;
  /** A client of the bucket's server, for looking at the objects directly. */
  readonly client: S3Client;
  /** What a Parley server needs to keep its files in the bucket (under `prefix` when given). */
  env(prefix?: string): Record<string, string>;
  /** kill -9 of moto: every request fails to connect, as in an outage. */
  kill(): Promise<void>;
  /** Starts moto again on the same port, with the bucket created anew (empty: moto keeps nothing). */
  start(): Promise<void>;
  /** Stops moto (by its PID) and the client. */
  close(): Promise<void>;
}

/** Starts moto's server mode (skipUnlessMoto first), waits until it answers, and creates a bucket. */
export async function startTestS3(): Promise<TestS3> {
  const moto = motoInstalled();
  if (!moto) throw new Error("moto is not installed (pip install 'moto[server]')");
  const [program = 'python3', ...args] = moto;
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const bucket = `parley-test-${randomBytes(4).toString('hex')}`;
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: TEST_S3_CREDENTIALS, maxAttempts: 1 });
  let child: ChildProcess | undefined;
  let output = '';
  const start = async (): Promise<void> => {
    output = '';
    const started = spawn(program, [...args, '-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    started.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output = (output + chunk).slice(-4000)));
    started.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output = (output + chunk).slice(-4000)));
    await answers(endpoint, started, () => output, 60_000);
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  };
  const kill = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  process.once('exit', () => child?.kill('SIGKILL'));
  await start();
  return {
    endpoint,
    bucket,
    client,
    env: (prefix) => ({
      ...TEST_S3_ENV,
      PARLEY_FILES_STORE: 's3',
      PARLEY_S3_BUCKET: bucket,
      PARLEY_S3_ENDPOINT: endpoint,
      PARLEY_S3_REGION: 'us-east-1',
      PARLEY_S3_FORCE_PATH_STYLE: 'true',
      ...(prefix ? { PARLEY_S3_PREFIX: prefix } : {}),
    }),
    kill,
    start,
    close: async () => {
      await kill();
      client.destroy();
    },
  };
}

/** Polls moto's HTTP port until it answers (moto starts in a few seconds, slower on a busy machine). */
async function answers(endpoint: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto exited with ${child.exitCode} before answering: ${output()}`);
    const answered = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(2000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (answered) return;
    if (Date.now() > deadline) throw new Error(`moto on ${endpoint} did not answer within ${timeoutMs} ms: ${output()}`);
    await pace(200, 'the next look at moto');
  }
}
