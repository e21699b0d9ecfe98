import { LatencyHistogram } from '../stats.js';
import type { BenchClient, BenchClientOptions } from './bench-client.js';
import { ConnectionWatch } from './connection-watch.js';
import { DeliveryLog } from './delivery-log.js';
import { now, type AwaitCommand, type Command, type ConnectCommand, type ConnectedReply, type RecoveryCommand, type Reply } from './protocol.js';
import { leanClient } from './lean-client.js';
import { rawClient } from './raw-client.js';
import { runSenders, sleep } from './senders.js';
import { socketIoClient } from './socketio-client.js';

/**
 * A client process of the benchmark (forked by client-pool.ts): it holds many simulated
 * users and runs the commands of protocol.ts one at a time. It exits on `close`, when the
 * runner goes away, or after MAX_LIFETIME_MS whatever happens, so it never outlives a run.
 */
const MAX_LIFETIME_MS = 15 * 60_000;

const clients: BenchClient[] = [];
const deliveries = new DeliveryLog();
const watch = new ConnectionWatch();

function reply(message: Reply): void {
  process.send?.(message);
}

async function connect(command: ConnectCommand): Promise<ConnectedReply> {
  const connectMs = new LatencyHistogram();
  const creators = { raw: rawClient, lean: leanClient, socketio: socketIoClient };
  const create = creators[command.kind];
  const addresses = command.localAddresses ?? [];
  if (command.expectThroughOffset !== undefined) deliveries.want(command.expectThroughOffset);
  const startedAt = now();
  let failed = 0;
  let next = 0;
  // A fixed number of handshakes in flight: each lane opens clients one after the other.
  const lane = async (): Promise<void> => {
    while (next < command.clients) {
      const index = next;
      next += 1;
      const logged = deliveries.addClient();
      const watched = watch.addClient();
      const options: BenchClientOptions = {
        url: command.urls[index % command.urls.length] ?? '',
        startOffset: command.startOffset,
        connectTimeoutMs: command.timeoutMs,
        onMessage: (text, offset) => {
          logged(text, offset);
          watched.onMessage(text);
        },
        onConnect: watched.onConnect,
        onDisconnect: watched.onDisconnect,
        onConnectError: watched.onConnectError,
        localAddress: addresses[index % Math.max(1, addresses.length)],
      };
      const begunAt = now();
      const client = create(options);
      clients.push(client);
      try {
        await client.ready;
        connectMs.record(now() - begunAt);
      } catch {
        failed += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, command.concurrency) }, lane));
  return {
    type: 'connected',
    connectMs: connectMs.toData(),
    connected: command.clients - failed,
    failed,
    startedAt,
    finishedAt: now(),
  };
}

async function awaitDeliveries(command: AwaitCommand): Promise<Reply> {
  deliveries.want(command.throughOffset);
  const deadline = now() + command.timeoutMs;
  while (!deliveries.allReached() && now() < deadline) await sleep(5);
  const disconnects = clients.reduce((sum, client) => sum + client.disconnects, 0);
  return deliveries.summary(disconnects);
}

async function awaitRecovery(command: RecoveryCommand): Promise<Reply> {
  const deadline = now() + command.timeoutMs;
  const lost = watch.lostNode(command.node, command.since);
  for (;;) {
    const status = watch.status(lost, command.since);
    const settled = status.notBack === 0 && status.notCaughtUp === 0;
    if (settled || now() >= deadline) return { type: 'recovered', ...status };
    await sleep(20);
  }
}

async function run(command: Command): Promise<Reply> {
  switch (command.type) {
    case 'connect':
      return connect(command);
    case 'send':
      if (!command.warmUp) deliveries.measureFrom(command.startAt);
      return runSenders(clients, command);
    case 'await':
      return awaitDeliveries(command);
    case 'recovery':
      return awaitRecovery(command);
    case 'close':
      for (const client of clients) client.close();
      return { type: 'closed' };
  }
}

let queue = Promise.resolve();
process.on('message', (message: unknown) => {
  const command = message as Command;
  queue = queue.then(async () => {
    try {
      reply(await run(command));
    } catch (error) {
      reply({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    }
    // Give the closes a moment to reach the server, then leave.
    if (command.type === 'close') setTimeout(() => process.exit(0), 200);
  });
});
process.on('disconnect', () => process.exit(0));
setTimeout(() => process.exit(0), MAX_LIFETIME_MS).unref();
