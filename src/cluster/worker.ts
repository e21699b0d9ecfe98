import http from 'node:http';
import type { Socket } from 'node:net';
import { chooseAdapter } from '../adapter.js';
import { createApp } from '../app.js';
import { openRedisLink } from '../redis/link.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { enforceRequestDeadlines } from '../http/request-deadlines.js';
import type { StoredMessage } from '../store/store.js';
import type { WriteBatchReplies, WriteChannel } from '../store/index.js';
import { isParleyMessage, type PrimaryToWorker, type WorkerToPrimary } from './messages.js';
import { sessionIdFor } from '../http/session-id.js';
import { ipcNodeStatus } from './node-status-channel.js';
import { BurstCollector } from './burst-collector.js';
import { ipcConnectionSlots } from './slot-channel.js';

/**
 * A cluster worker: the whole app on an HTTP server that never listens; the primary hands
 * it TCP connections (with the bytes it read to route them). Exits 0 after a graceful stop.
 */
export async function runWorker(config: Config, workerIndex: number, log: Logger): Promise<void> {
  const httpServer = http.createServer();
  // The primary routes each TCP connection by its first request line only, so a kept-alive
  // connection must not carry a second request: it may belong to a session on another
  // worker (a browser reuses connections across tabs, Node's agent across clients).
  httpServer.maxRequestsPerSocket = 1;
  // The primary checked Redis before forking; a worker forked again during an outage waits for it.
  const started = openRedisLink(config, log, { patient: true }).then((redis) =>
    createApp({
      config,
      httpServer,
      log,
      adapter: chooseAdapter(redis),
      redis,
      generateId: () => sessionIdFor(workerIndex, config.nodeId),
      writeChannel: ipcWriteChannel(),
      connectionSlots: ipcConnectionSlots(),
      workerIndex,
      nodeStatus: ipcNodeStatus(),
    }),
  );

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= started.then((app) => app.close()).then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'unclean shutdown');
        process.exit(1);
      },
    ));

  process.on('message', (message: unknown, handle: unknown) => {
    if (!isParleyMessage(message)) return;
    if (message.parley === 'shutdown') void stop();
    if (message.parley === 'unready') void started.then((app) => app.unready());
    if (message.parley === 'connection' && 'head' in message && typeof message.head === 'string' && handle) {
      const connection = handle as Socket;
      httpServer.emit('connection', connection);
      connection.unshift(Buffer.from(message.head, 'base64'));
      connection.resume();
    }
  });
  // The primary coordinates shutdown; a signal sent to the whole process group (Ctrl-C)
  // must not make workers exit before it tells them to.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => void stop());

  const app = await started;
  // After a burst of new sessions, one full collection gives back the burst's garbage
  // (measured at 18,000 connections: 12 KB of live heap per connection, against 35 KB of
  // resident memory 3 s after the burst; docs/benchmarks.md, "The cost of a connection").
  const collector = new BurstCollector({ collect: globalThis.gc });
  app.io.engine.on('connection', () => collector.noteHandOff());
  // Before 'ready', so before the primary hands this worker any connection.
  enforceRequestDeadlines(httpServer, { headersTimeoutMs: config.headersTimeoutMs, requestTimeoutMs: config.requestTimeoutMs });
  const ready: WorkerToPrimary = { parley: 'ready' };
  process.send?.(ready);
}

/**
 * Store writes to the primary's shared writer, over this worker's IPC channel. Its news
 * arrives in commit order, replies and the other workers' messages mixed; each goes to
 * its listener in that order.
 */
function ipcWriteChannel(): WriteChannel {
  let onReplies: ((replies: WriteBatchReplies) => void) | undefined;
  let onAppended: ((messages: readonly StoredMessage[]) => void) | undefined;
  onPrimaryMessage((message) => {
    if (message.parley !== 'store-news') return;
    for (const news of message.items) {
      if ('replies' in news) onReplies?.(news.replies);
      else onAppended?.(news.appended);
    }
  });
  return {
    send(batch) {
      const message: WorkerToPrimary = { parley: 'store-writes', ...batch };
      if (!process.send) throw new Error('not a cluster worker');
      process.send(message);
    },
    onReplies(listener) {
      onReplies = listener;
      return () => {
        if (onReplies === listener) onReplies = undefined;
      };
    },
    onAppended(listener) {
      onAppended = listener;
      return () => {
        if (onAppended === listener) onAppended = undefined;
      };
    },
  };
}

/** Listens to the primary's Parley messages; returns the function that stops. */
function onPrimaryMessage(listener: (message: PrimaryToWorker) => void): () => void {
  const onMessage = (message: unknown): void => {
    if (isParleyMessage(message)) listener(message as PrimaryToWorker);
  };
  process.on('message', onMessage);
  return () => process.off('message', onMessage);
}
