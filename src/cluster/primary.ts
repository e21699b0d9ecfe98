import cluster, { type Worker } from 'node:cluster';
import { once } from 'node:events';
import { setupPrimary } from '@socket.io/cluster-adapter';
import { openRedisLink } from '../redis/link.js';
import { serveSharedCounters } from '../limits/shared-counter.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { checkDatabaseConnections, ConnectionBudgetError, newlyStored, startSharedWriter } from '../store/index.js';
import { isParleyMessage, type PrimaryToWorker, type WorkerToPrimary } from './messages.js';
import { BurstCollector } from './burst-collector.js';
import { WriterPost } from './writer-post.js';
import { NODE_HEAP_FLAGS, PRIMARY_ONLY_FLAGS } from './heap-flags.js';
import { AddressSlots } from '../http/connection-slots.js';
import { warnIfFewOpenFiles } from './open-file-limit.js';
import { assertCanStopReading } from './read-stop.js';
import { createStickyRouter } from './sticky-router.js';
import { nodeMetrics } from '../operations/node-metrics.js';
import { startMetricsServer } from '../operations/metrics-server.js';
import { poolMetrics, primaryRegistry, writerCommitBatchSize, writerCommitSeconds } from '../operations/metrics.js';
import { announceReady } from '../operations/ready-line.js';

/** A worker that dies sooner than this after its start counts as crash-looping. */
const QUICK_DEATH_MS = 5000;

/**
 * The node:cluster primary: prepares the store once, forks `config.workers` workers, owns
 * the one public port (see sticky-router.ts), relays the cluster adapter's messages and
 * the shared writer's (each worker's writes and their replies, and every new message to
 * the other workers), and forks a replacement for a worker that dies. `stop()` shuts everything down gracefully.
 */
export async function runPrimary(config: Config, log: Logger): Promise<{ stop: () => Promise<void> }> {
  // An unreachable Redis stops the start here, with one message, before any worker is forked.
  await (await openRedisLink(config, log))?.close();
  // Likewise a Node whose TCP handles the sticky router cannot stop (see read-stop.ts).
  await assertCanStopReading();
  warnIfFewOpenFiles(config.maxPendingConnections, log);
  // The node's one writer (src/store/writer/): migrations run once there, before any worker
  // opens the database, and every worker sends it its writes (SQLite) or appends (PostgreSQL).
  // First, PostgreSQL must allow every pool of the node: each worker's and the writer's.
  const writer = await checkDatabaseConnections(config.databaseUrl, {
    processes: config.workers + 1,
    poolSize: config.pgPoolSize,
    describe: `${config.workers} worker${config.workers === 1 ? '' : 's'} + 1 primary`,
  })
    .then((budget) => {
      if (budget && budget.needed + budget.heldByOthers > budget.available) {
        log.warn(budget, 'PostgreSQL connections: this node may open more than the server has left beside the connections others hold now');
      }
      return startSharedWriter(
        config.databaseUrl,
        log.child({ module: 'store-writer' }),
        (items, seconds) => {
          writerCommitBatchSize.observe(items);
          writerCommitSeconds.observe(seconds);
        },
        { size: config.pgPoolSize, observer: poolMetrics(primaryRegistry, 'parley_writer_pg_pool') },
      );
    })
    .catch((error: unknown) => {
      if (error instanceof ConnectionBudgetError) throw error;
      throw new Error(`PARLEY_DATABASE_URL: cannot open the database: ${(error as Error).message}`, { cause: error });
    });
  setupPrimary();
  // The limits every worker shares (src/limits/): their counters live here.
  serveSharedCounters();
  // A value the primary was started with (node --max-semi-space-size=8 …) wins over ours.
  const given = (flag: string): boolean => process.execArgv.some((arg) => arg.split('=')[0] === flag.split('=')[0]);
  const inherited = process.execArgv.filter((arg) => !PRIMARY_ONLY_FLAGS.includes(arg));
  cluster.setupPrimary({ execArgv: [...inherited, ...NODE_HEAP_FLAGS.filter((flag) => !given(flag))] });
  const collector = new BurstCollector({ collect: globalThis.gc });

  const workers = new Map<number, Worker>();
  const ready = new Set<Worker>();
  // Every worker's Socket.IO sessions per client address: the cap holds across the node.
  const slots = new AddressSlots<Worker>(config.maxConnectionsPerAddress);
  let stopping = false;
  // A worker that died meanwhile gets nothing; its clients retry their messages.
  const post = new WriterPost<Worker>((worker, items) => {
    if (worker.isConnected()) worker.send({ parley: 'store-news', items } satisfies PrimaryToWorker);
  });

  const fork = (index: number): void => {
    const startedAt = Date.now();
    // The node id is passed on so that every worker names its sessions after the same node.
    const worker = cluster.fork({ PARLEY_WORKER_INDEX: String(index), PARLEY_NODE_ID: config.nodeId });
    workers.set(index, worker);
    worker.on('message', (message: unknown) => {
      if (!isParleyMessage(message)) return;
      const fromWorker = message as WorkerToPrimary;
      if (fromWorker.parley === 'ready') {
        ready.add(worker);
        log.info({ worker: index, workerPid: worker.process.pid }, 'worker ready');
      } else if (fromWorker.parley === 'slot-acquire') {
        const answers = fromWorker.asks.map(({ id, address }) => ({ id, granted: slots.acquire(worker, address) }));
        if (worker.isConnected()) worker.send({ parley: 'slot-granted', answers } satisfies PrimaryToWorker);
      } else if (fromWorker.parley === 'slot-release') {
        for (const address of fromWorker.addresses) slots.release(worker, address);
      } else if (fromWorker.parley === 'node-status?') {
        const status: PrimaryToWorker = { parley: 'node-status', id: fromWorker.id, workersReady: ready.size, workers: config.workers, draining: stopping };
        if (worker.isConnected()) worker.send(status);
      } else if (fromWorker.parley === 'store-writes' && writer) {
        void writer.execute(fromWorker).then((replies) => {
          post.post(worker, { replies });
          // The other workers hear of the new messages from here, at the moment the sender
          // does, rather than one more IPC round through the primary later, from the sender.
          const appended = newlyStored(fromWorker, replies);
          if (appended.length === 0) return;
          for (const other of workers.values()) if (other !== worker) post.post(other, { appended });
        });
      }
    });
    // A worker killed with kill -9 stays "connected" until its IPC channel's end is read, and
    // a send to it meanwhile fails with EPIPE. Without a listener that 'error' would take the
    // primary, and with it every worker, down; the worker's 'exit' follows and is handled below.
    worker.on('error', (error) => log.warn({ err: error, worker: index }, 'could not send to a worker; it is going away'));
    worker.on('exit', (code, signal) => {
      ready.delete(worker);
      // Its sessions died with it.
      slots.releaseAll(worker);
      if (workers.get(index) === worker) workers.delete(index);
      if (stopping) return;
      log.error({ worker: index, workerPid: worker.process.pid, code, signal }, 'worker died; forking a replacement');
      const delay = Date.now() - startedAt < QUICK_DEATH_MS ? 1000 : 0;
      setTimeout(() => {
        if (!stopping) fork(index);
      }, delay);
    });
  };
  for (let index = 0; index < config.workers; index++) fork(index);
  await waitFor(() => ready.size === config.workers);

  const router = createStickyRouter({
    workerAt: (index) => {
      const worker = workers.get(index);
      return worker && ready.has(worker) ? worker : undefined;
    },
    readyWorkers: () => [...ready],
    onHandOff: () => collector.noteHandOff(),
    limits: {
      headTimeoutMs: config.headTimeoutMs,
      maxPending: config.maxPendingConnections,
      maxPendingPerAddress: config.maxPendingPerAddress,
    },
    log,
  });
  router.listen(config.port, config.host);
  await once(router, 'listening');
  log.info({ address: router.address(), workers: config.workers }, 'listening');
  announceReady(log, router.address());
  const metricsServer = config.metrics && (await startMetricsServer({ ...config.metrics, ...nodeMetrics(), log }));

  let stopped: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    // From here every worker's /readyz answers 503 (they ask this process: node-status),
    // while the port still answers: a load balancer polling /readyz takes the node out of
    // its rotation on the 503 before the port closes, rather than on a refused connection.
    stopping = true;
    // Each worker forgets a "ready" it may have cached, so none says it again.
    for (const worker of workers.values()) if (worker.isConnected()) worker.send({ parley: 'unready' } satisfies PrimaryToWorker);
    if (config.preStopMs > 0) {
      log.info({ windowMs: config.preStopMs }, 'not ready; the port closes after the pre-stop window');
      await new Promise((resolve) => setTimeout(resolve, config.preStopMs));
    }
    router.close();
    metricsServer?.close();
    collector.close();
    const exits = [...workers.values()].map((worker) => {
      if (worker.isDead()) return Promise.resolve();
      const exited = once(worker, 'exit').then(() => undefined);
      const shutdown: PrimaryToWorker = { parley: 'shutdown' };
      worker.send(shutdown);
      const deadline = setTimeout(() => worker.process.kill('SIGKILL'), config.shutdownTimeoutMs + 5000);
      return exited.finally(() => clearTimeout(deadline));
    });
    await Promise.all(exits);
    // Only now: the workers stored their in-flight messages through the writer as they stopped.
    await writer?.close();
  };
  return { stop: () => (stopped ??= stop()) };
}

function waitFor(condition: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (condition()) resolve();
      else setTimeout(check, 20);
    };
    check();
  });
}
