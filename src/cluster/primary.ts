import cluster, { type Worker } from 'node:cluster';
import { once } from 'node:events';
import { setupPrimary } from '@socket.io/cluster-adapter';
import { chooseAdapter } from '../adapter.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { createStore } from '../store/index.js';
import { isParleyMessage, type PrimaryToWorker } from './messages.js';
import { createStickyRouter } from './sticky-router.js';
import { workerExecArgv } from './worker-heap.js';

/** A worker that dies sooner than this after its start counts as crash-looping. */
const QUICK_DEATH_MS = 5000;

/**
 * The node:cluster primary: prepares the store once, forks `config.workers` workers, owns
 * the one public port (see sticky-router.ts), relays the cluster adapter's messages, and
 * forks a replacement for a worker that dies. `stop()` shuts everything down gracefully.
 */
export async function runPrimary(config: Config, log: Logger): Promise<{ stop: () => Promise<void> }> {
  // Refuse an adapter configuration the workers cannot honour before forking any of them.
  chooseAdapter(config.redisUrl);
  // Migrations run once here, before any worker opens the database.
  await (await createStore(config.databaseUrl)).close();
  setupPrimary();
  cluster.setupPrimary({ execArgv: workerExecArgv(process.execArgv) });

  const workers = new Map<number, Worker>();
  const ready = new Set<Worker>();
  let stopping = false;

  const fork = (index: number): void => {
    const startedAt = Date.now();
    const worker = cluster.fork({ PARLEY_WORKER_INDEX: String(index) });
    workers.set(index, worker);
    worker.on('message', (message: unknown) => {
      if (isParleyMessage(message) && message.parley === 'ready') {
        ready.add(worker);
        log.info({ worker: index, workerPid: worker.process.pid }, 'worker ready');
      }
    });
    worker.on('exit', (code, signal) => {
      ready.delete(worker);
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
    log,
  });
  router.listen(config.port, config.host);
  await once(router, 'listening');
  log.info({ address: router.address(), workers: config.workers }, 'listening');

  let stopped: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    stopping = true;
    router.close();
    const exits = [...workers.values()].map((worker) => {
      if (worker.isDead()) return Promise.resolve();
      const exited = once(worker, 'exit').then(() => undefined);
      const shutdown: PrimaryToWorker = { parley: 'shutdown' };
      worker.send(shutdown);
      const deadline = setTimeout(() => worker.process.kill('SIGKILL'), config.shutdownTimeoutMs + 5000);
      return exited.finally(() => clearTimeout(deadline));
    });
    await Promise.all(exits);
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
