import http from 'node:http';
import { once } from 'node:events';
import { chooseAdapter } from './adapter.js';
import { createApp } from './app.js';
import { loadConfig } from './config.js';
import { createLogger } from './log.js';
import { sessionIdFor } from './http/session-id.js';
import { enforceRequestDeadlines } from './http/request-deadlines.js';
import { openRedisLink } from './redis/link.js';
import { startMetricsServer } from './operations/metrics-server.js';
import { serverRegistry } from './operations/metrics.js';
import { announceReady } from './operations/ready-line.js';
import { checkDatabaseConnections } from './store/index.js';

/**
 * One process, no cluster: the whole server on `PORT`. Handy for development and for
 * connection state recovery with the in-memory adapter; `npm start` runs cluster.ts.
 */
const config = loadConfig();
const log = createLogger(config.logLevel, { role: 'single' });
const httpServer = http.createServer();
// Node enforces its own header and request timeouts only on servers that listen themselves; one rule for both entry points.
enforceRequestDeadlines(httpServer, { headersTimeoutMs: config.headersTimeoutMs, requestTimeoutMs: config.requestTimeoutMs });
// PostgreSQL must allow this process's pool; session ids name the node, as in a cluster, so
// a load balancer can keep a session on it.
const started = checkDatabaseConnections(config.databaseUrl, { processes: 1, poolSize: config.pgPoolSize, describe: '1 process' })
  .then(() => openRedisLink(config, log))
  .then((redis) =>
    createApp({ config, httpServer, log, adapter: chooseAdapter(redis), redis, generateId: () => sessionIdFor(0, config.nodeId) }),
  );

// Installed before start-up finishes, so an early signal also stops gracefully.
let stopping: Promise<void> | undefined;
const onSignal = (signal: NodeJS.Signals): void => {
  log.info({ signal }, 'shutting down');
  stopping ??= started
    .then(async (app) => {
      // /readyz answers 503 while the port still answers, so a load balancer polling it
      // takes this process out of its rotation before the port closes.
      app.unready();
      if (config.preStopMs > 0) await new Promise((resolve) => setTimeout(resolve, config.preStopMs));
      await app.close();
    })
    .then(() => process.exit(0));
};
process.on('SIGTERM', onSignal);
process.on('SIGINT', onSignal);

await started;
httpServer.listen(config.port, config.host);
await once(httpServer, 'listening');
log.info({ address: httpServer.address() }, 'listening');
announceReady(log, httpServer.address());
if (config.metrics) {
  await startMetricsServer({ ...config.metrics, collect: () => serverRegistry.metrics(), contentType: serverRegistry.contentType, log });
}
