import http from 'node:http';
import { once } from 'node:events';
import { chooseAdapter } from './adapter.js';
import { createApp } from './app.js';
import { loadConfig } from './config.js';
import { createLogger } from './log.js';

/**
 * One process, no cluster: the whole server on `PORT`. Handy for development and for
 * connection state recovery with the in-memory adapter; `npm start` runs cluster.ts.
 */
const config = loadConfig();
const log = createLogger(config.logLevel, { role: 'single' });
const httpServer = http.createServer();
const app = await createApp({ config, httpServer, log, adapter: chooseAdapter() });
httpServer.listen(config.port, config.host);
await once(httpServer, 'listening');
log.info({ address: httpServer.address() }, 'listening');

const onSignal = (signal: NodeJS.Signals): void => {
  log.info({ signal }, 'shutting down');
  void app.close().then(() => process.exit(0));
};
process.on('SIGTERM', onSignal);
process.on('SIGINT', onSignal);
