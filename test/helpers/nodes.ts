import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { postgresHarness, postgresReachable, postgresUrl, type StoreHarness } from '../store/harness.js';
import { startServer, type RunningServer } from './server.js';
import { skipUnlessAvailable } from './services.js';

/** The Redis the multi-node tests use; each run takes keys under a prefix of its own. */
export const redisUrl = process.env['PARLEY_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** Whether Redis answers at `redisUrl`; false (never a throw) when it does not. */
export async function redisReachable(): Promise<boolean> {
  const client = createClient({ url: redisUrl, socket: { connectTimeout: 2000, reconnectStrategy: false } });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch {
    return false;
  } finally {
    if (client.isOpen) client.destroy();
  }
}

/** The skip reason for a multi-node suite: PostgreSQL and Redis are both needed. */
export async function skipUnlessNodesCanRun(): Promise<string | false> {
  return (
    skipUnlessAvailable('PostgreSQL', await postgresReachable(), `at ${new URL(postgresUrl).host}`) ||
    skipUnlessAvailable('Redis', await redisReachable(), `at ${new URL(redisUrl).host}`)
  );
}

export interface DeploymentOptions {
  /** Parley nodes. @default 2 */
  readonly nodes?: number;
  /** Workers per node. @default 2 */
  readonly workers?: number;
  /** Extra environment for every node (e.g. PARLEY_LIMITS). */
  readonly env?: Readonly<Record<string, string>>;
  /** Extra environment for node `index` alone (e.g. a folder of its own), over `env`. */
  readonly envOfNode?: (index: number) => Readonly<Record<string, string>>;
  /**
   * Leave PARLEY_REDIS_URL unset: nodes share the database only (each node's workers use
   * the cluster adapter), to show what breaks without Redis.
   */
  readonly withoutRedis?: boolean;
  /** Name the nodes node1, node2, … (PARLEY_NODE_ID) and trust 127.0.0.1 as their proxy: for nginx in front. */
  readonly nodeIds?: boolean;
  /** The Redis of node `index` (a redis-server or proxy of the test's own). @default the shared one */
  readonly redisUrlOf?: (index: number) => string;
  /** The database URL the nodes use, from the fresh database's (e.g. through a proxy of the test's own). */
  readonly databaseUrlVia?: (databaseUrl: string) => string;
}

/**
 * Several Parley nodes as one deployment: each `dist/cluster.js` with its own workers and
 * port, all on one fresh PostgreSQL schema and one Redis key prefix. Nodes can be stopped,
 * killed and started again (on the same port, so a load balancer's configuration stays
 * true) one by one.
 */
export interface Deployment {
  readonly databaseUrl: string;
  readonly redisPrefix: string;
  /** The node running at `index`; throws when it is stopped. */
  node(index: number): RunningServer;
  /** Each node's URL (`http://127.0.0.1:<port>`), stopped ones too, by index. */
  urls(): string[];
  /** Each node's port, by index. */
  ports(): number[];
  /** Starts node `index` again (after stop or kill) on its port, with `env` added. */
  start(index: number, env?: Readonly<Record<string, string>>): Promise<RunningServer>;
  /** Stops node `index` gracefully (SIGTERM); resolves with its exit code. */
  stop(index: number): Promise<number | null>;
  /** kill -9 of node `index`'s primary and its workers: nothing is said to anyone. */
  kill(index: number): Promise<void>;
  /** Every log line of node `index` (of its latest run), for assertions and failure reports. */
  logs(index: number): ReturnType<RunningServer['logs']>;
  /** Stops every node, drops the schema and deletes the run's Redis keys. */
  close(): Promise<void>;
}

/** Starts a deployment (node 0 first: it migrates the fresh schema; then the others at once). */
export async function startDeployment(options: DeploymentOptions = {}): Promise<Deployment> {
  const count = options.nodes ?? 2;
  const harness: StoreHarness = await postgresHarness();
  const redisPrefix = `parley-test-${process.pid}-${randomBytes(4).toString('hex')}`;
  const running: (RunningServer | undefined)[] = new Array<RunningServer | undefined>(count).fill(undefined);
  const last: RunningServer[] = [];
  const ports: number[] = [];
  const envOf = (index: number, extra: Readonly<Record<string, string>> = {}): Record<string, string> => ({
    PARLEY_DATABASE_URL: options.databaseUrlVia?.(harness.databaseUrl) ?? harness.databaseUrl,
    ...(options.withoutRedis ? {} : { PARLEY_REDIS_URL: options.redisUrlOf?.(index) ?? redisUrl, PARLEY_REDIS_PREFIX: redisPrefix }),
    ...(options.nodeIds ? { PARLEY_NODE_ID: `node${index + 1}`, PARLEY_TRUSTED_PROXIES: '127.0.0.1' } : {}),
    PORT: String(ports[index] ?? 0),
    ...options.env,
    ...options.envOfNode?.(index),
    ...extra,
  });
  const start = async (index: number, extra?: Readonly<Record<string, string>>): Promise<RunningServer> => {
    if (running[index]) throw new Error(`node ${index} is running`);
    const server = await startServer({ workers: options.workers ?? 2, env: envOf(index, extra) });
    running[index] = server;
    last[index] = server;
    ports[index] = server.port;
    return server;
  };
  const node = (index: number): RunningServer => {
    const server = running[index];
    if (!server) throw new Error(`node ${index} is not running`);
    return server;
  };
  const stop = async (index: number): Promise<number | null> => {
    const server = node(index);
    running[index] = undefined;
    return server.stop('SIGTERM');
  };
  const kill = async (index: number): Promise<void> => {
    const server = node(index);
    running[index] = undefined;
    // The workers first: once the primary is gone nobody would reap them.
    for (const pid of server.workerPids()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await server.stop('SIGKILL');
  };
  const close = async (): Promise<void> => {
    await Promise.all(running.map((server, index) => (server ? stop(index) : undefined)));
    await harness.dispose();
    await deleteKeys(redisPrefix);
  };

  try {
    await start(0);
    await Promise.all(Array.from({ length: count - 1 }, (_, index) => start(index + 1)));
  } catch (error) {
    await close();
    throw error;
  }
  return {
    databaseUrl: harness.databaseUrl,
    redisPrefix,
    node,
    urls: () => ports.map((port) => `http://127.0.0.1:${port}`),
    ports: () => [...ports],
    start,
    stop,
    kill,
    logs: (index) => last[index]?.logs() ?? [],
    close,
  };
}

/** Deletes every Redis key under `prefix` (a test run's). */
async function deleteKeys(prefix: string): Promise<void> {
  const client = createClient({ url: redisUrl, socket: { reconnectStrategy: false } });
  client.on('error', () => undefined);
  try {
    await client.connect();
    for await (const keys of client.scanIterator({ MATCH: `${prefix}:*`, COUNT: 500 })) {
      if (keys.length > 0) await client.del(keys);
    }
  } catch {
    // Redis gone: the keys expire or stay under a prefix nobody uses again.
  } finally {
    if (client.isOpen) client.destroy();
  }
}
