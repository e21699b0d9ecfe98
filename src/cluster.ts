import cluster from 'node:cluster';
import { runPrimary } from './cluster/primary.js';
import { runWorker } from './cluster/worker.js';
import { loadConfig } from './config.js';
import { createLogger } from './log.js';

/**
 * `npm start`: one primary and `PARLEY_WORKERS` workers behind one public port.
 * SIGTERM (or SIGINT) stops gracefully and exits 0; a second signal changes nothing.
 */
const config = loadConfig();

if (cluster.isPrimary) {
  const log = createLogger(config.logLevel, { role: 'primary' });
  const started = runPrimary(config, log).catch((error: unknown) => {
    log.fatal({ err: error }, 'could not start');
    process.exit(1);
  });
  // Installed before start-up finishes, so an early signal also stops gracefully.
  let stopping: Promise<void> | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    log.info({ signal }, stopping ? 'already shutting down' : 'shutting down');
    stopping ??= started
      .then(({ stop }) => stop())
      .then(() => {
        log.info('stopped');
        process.exit(0);
      });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
} else {
  const workerIndex = Number(process.env['PARLEY_WORKER_INDEX'] ?? '0');
  const log = createLogger(config.logLevel, { role: 'worker', worker: workerIndex });
  await runWorker(config, workerIndex, log).catch((error: unknown) => {
    log.fatal({ err: error }, 'worker could not start');
    process.exit(1);
  });
}
