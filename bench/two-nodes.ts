import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { startParley, type ServerUnderTest } from './server-process.js';

/**
 * The Redis `--deployments two-nodes` runs on: PARLEY_BENCH_REDIS_URL, else the local
 * server. Each deployment takes keys under a prefix of its own and deletes them at the end.
 */
export const benchRedisUrl = process.env['PARLEY_BENCH_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

let started = 0;

/** Two nodes as one deployment, and each node on its own (to kill one: reconnect-storm). */
export interface TwoNodes extends ServerUnderTest {
  readonly nodes: readonly [ServerUnderTest, ServerUnderTest];
}

/**
 * Two Parley nodes on one PostgreSQL database and one Redis, as README's "Beyond one
 * machine" runs them, on two ports of this machine. The workers are split between the
 * nodes (half each, at least one), so that the deployment has the same cores to itself as
 * one node with `workers` would, and the comparison is of the deployment, not of more
 * processes on two cores.
 */
export async function startTwoNodes(options: {
  workers: number;
  databaseUrl: string;
  env?: Readonly<Record<string, string>>;
  /** Settings of node 1 or 2 alone, added to `env`. */
  nodeEnv?: (node: 1 | 2) => Readonly<Record<string, string>>;
  nodeArgs?: readonly string[];
}): Promise<TwoNodes> {
  const prefix = `parley-bench-${process.pid}-${started++}-${randomBytes(3).toString('hex')}`;
  const workers = Math.max(1, Math.floor(options.workers / 2));
  const envOf = (node: 1 | 2): Record<string, string> => ({
    PARLEY_REDIS_URL: benchRedisUrl,
    PARLEY_REDIS_PREFIX: prefix,
    PARLEY_NODE_ID: `node${node}`,
    ...options.env,
    ...options.nodeEnv?.(node),
  });
  // The first node migrates the fresh database; the second starts once it is done.
  const first = await startParley({ ...options, workers, env: envOf(1) });
  let second: ServerUnderTest;
  try {
    second = await startParley({ ...options, workers, env: envOf(2) });
  } catch (error) {
    await first.stop();
    await deleteKeys(prefix);
    throw error;
  }
  return {
    url: first.url,
    urls: [first.url, second.url],
    fresh: true,
    nodes: [first, second],
    pids: () => [...first.pids(), ...second.pids()],
    stop: async () => {
      await Promise.all([first.stop(), second.stop()]);
      await deleteKeys(prefix);
    },
  };
}

/** Deletes the deployment's Redis keys (streams, recovery sessions, limit counters). */
async function deleteKeys(prefix: string): Promise<void> {
  const client = createClient({ url: benchRedisUrl, socket: { reconnectStrategy: false } });
  client.on('error', () => undefined);
  try {
    await client.connect();
    for await (const keys of client.scanIterator({ MATCH: `${prefix}:*`, COUNT: 500 })) {
      if (keys.length > 0) await client.del(keys);
    }
  } catch {
    // Redis gone: the keys stay under a prefix nobody uses again.
  } finally {
    if (client.isOpen) client.destroy();
  }
}
