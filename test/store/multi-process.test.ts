import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { DEFAULT_ROOM } from '../../src/store/store.js';
import { skipUnlessAvailable } from '../helpers/services.js';
import { postgresHarness, postgresReachable, postgresUrl, sqliteHarness, type HarnessFactory } from './harness.js';
import { assertRoomIntact, startWriter, type Writer } from './writers.js';
import type { WriterConfig } from './writer-protocol.js';

/** Appends each writer makes in the concurrency test. */
const PER_WRITER = 5000;
/** Appends in flight per writer: like that many sockets sending at once. */
const WINDOW = 32;
const ROOMS = [DEFAULT_ROOM, 'second'];

const writerConfig = (databaseUrl: string, writerId: string, overrides: Partial<WriterConfig> = {}): WriterConfig => ({
  databaseUrl,
  writerId,
  roomNames: ROOMS,
  count: PER_WRITER,
  window: WINDOW,
  maxLifetimeMs: 120_000,
  ...overrides,
});

/** Starts the writers together (after each opened its store) and waits for all to finish. */
async function runTogether(writers: readonly Writer[]): Promise<number> {
  await Promise.all(writers.map((writer) => writer.ready));
  const started = performance.now();
  for (const writer of writers) writer.go();
  await Promise.all(writers.map((writer) => writer.done));
  const elapsedMs = performance.now() - started;
  assert.deepEqual(await Promise.all(writers.map((writer) => writer.exited)), writers.map(() => 0));
  return elapsedMs;
}

function assertNoFailures(writers: readonly Writer[]): void {
  const failures = writers.flatMap((writer) => writer.failures);
  const busy = failures.filter((failure) => failure.causeCode?.startsWith('SQLITE_BUSY'));
  assert.equal(busy.length, 0, `${busy.length} appends failed with SQLITE_BUSY`);
  assert.deepEqual(failures.slice(0, 3), [], `${failures.length} appends failed`);
}

const rate = (appends: number, elapsedMs: number): string => `${Math.round((appends / elapsedMs) * 1000)} appends/s`;

function multiProcessSuite(name: string, factory: HarnessFactory, skip: string | false): void {
  describe(`${name}: several processes append to one database`, () => {
    test(`two processes, ${PER_WRITER} appends each over two rooms: every ack stored once, offsets 1..N`, { skip }, async (t: TestContext) => {
      const harness = await factory();
      const store = await harness.open();
      try {
        await harness.addRoom('second');
        const single = startWriter(writerConfig(harness.databaseUrl, 'solo', { roomNames: ['second'] }));
        const singleMs = await runTogether([single]);
        const writers = [startWriter(writerConfig(harness.databaseUrl, 'a')), startWriter(writerConfig(harness.databaseUrl, 'b'))];
        const pairMs = await runTogether(writers);
        assertNoFailures([single, ...writers]);

        const acks = [...single.acks, ...writers.flatMap((writer) => writer.acks)];
        assert.equal(acks.length, 3 * PER_WRITER, 'every append was acknowledged');
        const heads = await Promise.all(ROOMS.map(async (room) => assertRoomIntact(store, (await store.roomByName(room))?.id ?? -1, acks)));
        assert.equal(heads.reduce((sum, head) => sum + head, 0), 3 * PER_WRITER);
        t.diagnostic(`${name}, window ${WINDOW}: one process ${rate(PER_WRITER, singleMs)}; two processes ${rate(2 * PER_WRITER, pairMs)} together`);
      } finally {
        await store.close();
        await harness.dispose();
      }
    });

    test('two processes writing one room: a reader polling meanwhile never sees offset N+1 before N', { skip }, async (t: TestContext) => {
      const harness = await factory();
      const store = await harness.open();
      try {
        const general = (await store.roomByName(DEFAULT_ROOM))?.id ?? -1;
        const writers = ['x', 'y'].map((id) => startWriter(writerConfig(harness.databaseUrl, id, { roomNames: [DEFAULT_ROOM], count: 3000 })));
        await Promise.all(writers.map((writer) => writer.ready));
        let finished = false;
        const allDone = Promise.all(writers.map((writer) => writer.done)).finally(() => (finished = true));
        for (const writer of writers) writer.go();
        // Each read starts after the last offset seen: an offset that committed after a
        // higher one was read would show up here as a gap, and later as a repeat.
        let seen = 0;
        let reads = 0;
        let lastPass = false;
        while (!lastPass) {
          lastPass = finished;
          // SQLite reads synchronously: let the writers' reports in between reads.
          await new Promise((resolve) => setImmediate(resolve));
          const messages = await store.messagesAfter(general, seen, 1000);
          reads += 1;
          for (const message of messages) {
            assert.equal(message.offset, seen + 1, `read ${reads}: offset ${seen + 1} is visible before ${message.offset}`);
            seen = message.offset;
          }
        }
        await allDone;
        assertNoFailures(writers);
        assert.equal(seen, 6000);
        assert.equal(await assertRoomIntact(store, general, writers.flatMap((writer) => writer.acks)), 6000);
        t.diagnostic(`${name}: ${reads} reads while two processes wrote 6000 messages to one room`);
      } finally {
        await store.close();
        await harness.dispose();
      }
    });

    test('four processes opening a fresh database at once migrate it once and share the room', { skip }, async () => {
      const harness = await factory();
      try {
        const writers = ['p', 'q', 'r', 's'].map((id) => startWriter(writerConfig(harness.databaseUrl, id, { roomNames: [DEFAULT_ROOM], count: 200 })));
        await runTogether(writers);
        assertNoFailures(writers);
        const store = await harness.open();
        try {
          const general = (await store.roomByName(DEFAULT_ROOM))?.id ?? -1;
          assert.equal(await assertRoomIntact(store, general, writers.flatMap((writer) => writer.acks)), 800);
        } finally {
          await store.close();
        }
      } finally {
        await harness.dispose();
      }
    });

    test('kill -9 of a writer mid-stream loses nothing it had acknowledged, and the other writer carries on', { skip }, async () => {
      const harness = await factory();
      const store = await harness.open();
      try {
        await harness.addRoom('second');
        const victim = startWriter(writerConfig(harness.databaseUrl, 'victim', { count: 1_000_000 }));
        const survivor = startWriter(writerConfig(harness.databaseUrl, 'survivor', { count: 4000 }));
        await Promise.all([victim.ready, survivor.ready]);
        victim.go();
        survivor.go();
        await victim.acked(1500);
        victim.kill('SIGKILL');
        assert.equal(await victim.exited, 'SIGKILL');
        await survivor.done;
        assertNoFailures([victim, survivor]);
        assert.ok(victim.acks.length < 1_000_000, 'the victim died mid-stream');

        const acks = [...victim.acks, ...survivor.acks];
        for (const room of ROOMS) {
          const roomId = (await store.roomByName(room))?.id ?? -1;
          const head = await assertRoomIntact(store, roomId, acks);
          // The database still takes writes, right after the killed writer's last commit.
          const next = await store.appendMessage({ roomId, author: 'test', text: 'after the kill', idempotencyKey: null });
          assert.equal(next.message.offset, head + 1);
        }
      } finally {
        await store.close();
        await harness.dispose();
      }
    });
  });
}

multiProcessSuite('SQLite', sqliteHarness, false);
const postgresSkip = skipUnlessAvailable('PostgreSQL', await postgresReachable(), `at ${new URL(postgresUrl).host}`);
multiProcessSuite('PostgreSQL', postgresHarness, postgresSkip);
