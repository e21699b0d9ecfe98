/**
 * A writer process for test/store/multi-process.test.ts: opens its own Store on the
 * database it is given, waits for `go`, then appends `count` messages with unique keys,
 * `window` at a time (like that many sockets sending at once), spread over `roomNames`.
 * It reports every append only after it resolved, so whatever the parent has received is
 * acknowledged and must be in the database, even if this process is killed right after.
 */
import { createStore } from '../../src/store/index.js';
import type { WriterConfig, WriterReport } from './writer-protocol.js';

const config = JSON.parse(process.argv[2] ?? '{}') as WriterConfig;
const send = (report: WriterReport): void => void process.send?.(report);

// The parent kills us or says go; never outlive a lost parent.
const lifetime = setTimeout(() => process.exit(3), config.maxLifetimeMs);
const onParentLost = (): never => process.exit(4);
process.on('disconnect', onParentLost);

const store = await createStore(config.databaseUrl);
const roomIds = await Promise.all(
  config.roomNames.map(async (name) => {
    const room = await store.roomByName(name);
    if (!room) throw new Error(`no room named ${name}`);
    return room.id;
  }),
);
const acks: [number, number, number][] = [];
let flushScheduled = false;
const flushAcks = (): void => {
  flushScheduled = false;
  if (acks.length > 0) send({ type: 'acks', acks: acks.splice(0) });
};

async function appendOne(index: number): Promise<void> {
  const roomId = roomIds[index % roomIds.length] ?? 0;
  const text = `${config.writerId}:${index}`;
  try {
    const { message, duplicate } = await store.appendMessage({ roomId, author: config.writerId, text, idempotencyKey: text });
    if (duplicate) throw new Error(`unexpected duplicate for ${text}`);
    acks.push([index, message.roomId, message.offset]);
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flushAcks);
    }
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
    send({
      type: 'failure',
      index,
      name: error instanceof Error ? error.name : typeof error,
      message: error instanceof Error ? error.message : String(error),
      causeCode: cause && 'code' in cause ? String(cause.code) : undefined,
    });
  }
}

async function run(): Promise<void> {
  const started = performance.now();
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < config.count) await appendOne(next++);
  };
  await Promise.all(Array.from({ length: config.window }, lane));
  flushAcks();
  const elapsedMs = performance.now() - started;
  await store.close();
  clearTimeout(lifetime);
  process.off('disconnect', onParentLost);
  // Disconnect only once 'done' is written, so it is not lost with the channel.
  process.send?.({ type: 'done', elapsedMs } satisfies WriterReport, () => process.disconnect());
}

process.on('message', (message: unknown) => {
  if (message === 'go') void run();
});
send({ type: 'ready' });
