import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { io } from 'socket.io-client';
import type { RoomSummary } from '../../src/shared/events.js';
import { connected, eventually, tutorialClient } from '../helpers/clients.js';
import { skipUnlessAvailable } from '../helpers/services.js';
import { startServer, tempDir, type RunningServer } from '../helpers/server.js';
import { newBrowser, Tab } from '../helpers/room-client.js';
import { postgresReachable, postgresUrl } from './harness.js';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** One backend's database, with the backup and restore the README gives for it. */
interface Backend {
  /** Starts Parley on the database, on `port` when given (a restart where open clients reconnect). */
  start(port?: number): Promise<RunningServer>;
  /** Takes a backup while Parley runs. */
  backup(server: RunningServer): Promise<void>;
  /** Puts the backup in place of the database (Parley stopped). */
  restore(server: RunningServer): Promise<void>;
}

/** SQLite: `npm run backup -- <file>`; restore = delete the database and its WAL, copy the backup in. */
function sqliteBackend(): Backend {
  const databaseFile = path.join(tempDir('parley-epoch-'), 'parley.db');
  const backupFile = path.join(tempDir('parley-epoch-backup-'), 'backup.db');
  return {
    start: (port) => startServer({ workers: 2, databaseFile, ...(port === undefined ? {} : { env: { PORT: String(port) } }) }),
    backup: async () => {
      await run('npm', ['run', '--silent', 'backup', '--', backupFile], { cwd: root, env: { ...process.env, PARLEY_DATABASE_URL: `sqlite:${databaseFile}` } });
    },
    restore: async () => {
      for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${databaseFile}${suffix}`, { force: true });
      fs.copyFileSync(backupFile, databaseFile);
    },
  };
}

/** PostgreSQL: a database of its own; `pg_dump --format=custom`, restored with `pg_restore --clean --if-exists --no-owner`. */
async function postgresBackend(cleanups: (() => Promise<void>)[]): Promise<Backend> {
  const name = `parley_epoch_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  cleanups.push(async () => {
    const dropper = new pg.Client({ connectionString: postgresUrl });
    await dropper.connect();
    await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await dropper.end();
  });
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.href;
  const dump = path.join(tempDir('parley-epoch-dump-'), 'parley.dump');
  return {
    start: (port) => startServer({ workers: 2, env: { PARLEY_DATABASE_URL: databaseUrl, ...(port === undefined ? {} : { PORT: String(port) }) } }),
    backup: async () => {
      await run('pg_dump', ['--format=custom', `--file=${dump}`, databaseUrl]);
    },
    restore: async () => {
      await run('pg_restore', ['--clean', '--if-exists', '--no-owner', `--dbname=${databaseUrl}`, dump]);
    },
  };
}

/** Opens a room-protocol tab that keeps `auth.epochs` beside `auth.rooms`, as the web page does. */
async function openTab(url: string): Promise<{ tab: Tab; general: RoomSummary; resets: RoomSummary[] }> {
  const tab = await Tab.open(url, { browser: newBrowser() });
  const resets: RoomSummary[] = [];
  tab.socket.on('room:reset', (room) => resets.push(room));
  const listed = (await tab.must('room:list', {})).find((room) => room.name === 'general');
  assert.ok(listed, 'general is listed');
  const general = await tab.must('room:join', { roomId: listed.id, after: listed.head, epoch: listed.epoch });
  tab.socket.auth = { rooms: tab.rooms, epochs: { [general.id]: general.epoch } };
  return { tab, general, resets };
}

/**
 * Issue 22, item 4: a restored backup with clients open. The history after the backup is
 * gone and its offsets are taken again by new messages; an open client that presents the
 * old epoch is told so (`room:reset` on its reconnect, EPOCH_CHANGED on a request naming
 * it), reloads the room, and sees the next message at the reused offset. A plain restart
 * keeps the epoch, so clients resume without reloading.
 */
async function restoreWithOpenClients(backend: Backend, servers: RunningServer[], diagnostic: (note: string) => void): Promise<void> {
  const first = await backend.start();
  servers.push(first);
  const writer = await openTab(first.url);
  const reader = await openTab(first.url);
  const roomId = writer.general.id;
  const epochBefore = writer.general.epoch;
  assert.match(epochBefore, /^[0-9a-f]{16}$/);

  // A plain restart keeps the epoch: a reconnecting client resumes where it stopped.
  for (const text of ['one', 'two', 'three']) await writer.tab.send(roomId, text);
  await reader.tab.waitFor(() => reader.tab.eventsOf(roomId).length === 3, 'the reader has the first three');
  assert.equal(await first.stop(), 0);
  const second = await backend.start(first.port);
  servers.push(second);
  await Promise.all([connected(writer.tab.socket, 15_000), connected(reader.tab.socket, 15_000)]);
  await writer.tab.send(roomId, 'four');
  await reader.tab.waitFor(() => reader.tab.eventsOf(roomId).length === 4, 'after a plain restart the reader resumes, with no reset');
  assert.equal(reader.resets.length, 0, 'no reset after a plain restart');

  await backend.backup(second);
  for (const text of ['five (lost by the restore)', 'six (lost by the restore)']) await writer.tab.send(roomId, text);
  await reader.tab.waitFor(() => reader.tab.eventsOf(roomId).length === 6, 'the reader has six');
  // A tutorial page that saw everything: it cannot say which history its offset is from.
  const tutorial = tutorialClient(second.url, { serverOffset: 6, transports: ['websocket'] });
  await connected(tutorial);

  assert.equal(await second.stop(), 0);
  await backend.restore(second);
  const restored = await backend.start(second.port);
  servers.push(restored);

  // The reader's reconnect presents offset 6 in the old epoch: it is told to reload the room.
  await reader.tab.waitFor(() => reader.resets.length === 1, 'the reader gets room:reset on its reconnect', 15_000);
  const reset = reader.resets[0];
  assert.ok(reset);
  assert.equal(reset.id, roomId);
  assert.equal(reset.head, 4, 'the restored history ends where the backup was taken');
  assert.notEqual(reset.epoch, epochBefore, 'a restore draws a new epoch');
  // Not followed in the old epoch: a request naming the old epoch is refused.
  const stale = await reader.tab.call('room:join', { roomId, after: 6, epoch: epochBefore });
  assert.equal(stale.ok ? 'ok' : stale.error, 'EPOCH_CHANGED');
  const staleHistory = await reader.tab.call('history:before', { roomId, before: 7, epoch: epochBefore });
  assert.equal(staleHistory.ok ? 'ok' : staleHistory.error, 'EPOCH_CHANGED');
  // The reader reloads the room: it follows from the new head, in the new epoch.
  reader.tab.events.length = 0;
  await reader.tab.must('room:join', { roomId, after: reset.head, epoch: reset.epoch });
  const older = await reader.tab.must('history:before', { roomId, epoch: reset.epoch });
  assert.deepEqual(
    older.map((event) => event.text),
    ['one', 'two', 'three', 'four'],
    'the reloaded history is the backup',
  );

  // The writer reloads too (its first request with the old epoch says so), then writes.
  await eventually(() => writer.tab.socket.connected, 'the writer reconnected', 15_000);
  const writerStale = await writer.tab.call('room:join', { roomId, after: 6, epoch: epochBefore });
  assert.equal(writerStale.ok ? 'ok' : writerStale.error, 'EPOCH_CHANGED');
  await writer.tab.must('room:join', { roomId, after: reset.head, epoch: reset.epoch });
  const sent = await writer.tab.send(roomId, 'five (after the restore)');
  assert.equal(sent.serverOffset, 5, 'offset 5 is taken again, in the new epoch');
  await reader.tab.waitFor(
    () => reader.tab.eventsOf(roomId).some((event) => event.offset === 5 && event.text === 'five (after the restore)'),
    'the reader is shown the message stored at the reused offset',
  );

  // What a tutorial client sees (README, "Backups and restore"): it keeps what it showed and
  // is sent the new message at the reused offset, as any new message.
  await eventually(() => tutorial.deliveries.some((delivery) => delivery.text === 'five (after the restore)'), 'the tutorial client gets the new message', 15_000);
  assert.deepEqual(
    tutorial.deliveries.map((delivery) => delivery.serverOffset),
    [5],
    'the tutorial client is sent only messages stored after the restore',
  );
  tutorial.close();
  writer.tab.close();
  reader.tab.close();

  // Restoring the same backup a second time draws yet another epoch.
  assert.equal(await restored.stop(), 0);
  await backend.restore(restored);
  const again = await backend.start();
  servers.push(again);
  const late = await openTab(again.url);
  assert.notEqual(late.general.epoch, reset.epoch, 'a second restore of one backup is another epoch');
  assert.notEqual(late.general.epoch, epochBefore);
  late.tab.close();
  diagnostic(`epochs: ${epochBefore} before, ${reset.epoch} after the restore, ${late.general.epoch} after restoring it again`);
}

describe('a restored backup with open clients', () => {
  const servers: RunningServer[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const server of servers) await server.stop();
    for (const cleanup of cleanups) await cleanup();
  });

  test('SQLite: npm run backup, restore, and every open client reloads the room', async (t) => {
    await restoreWithOpenClients(sqliteBackend(), servers, (note) => t.diagnostic(note));
  });

  test('npm run new-epoch (Parley stopped) draws a new epoch that open clients are told of', async () => {
    const backend = sqliteBackend();
    const server = await backend.start();
    servers.push(server);
    const open = await openTab(server.url);
    // auth.epochs is checked at the door, like auth.rooms.
    const malformed = io(server.url, { auth: { rooms: {}, epochs: { '1': 5 } }, transports: ['websocket'], forceNew: true, reconnection: false });
    const refused = await new Promise<string>((resolve) => malformed.once('connect_error', (error) => resolve(error.message)));
    malformed.close();
    assert.match(refused, /auth\.epochs must map room ids to epochs/);
    assert.equal(await server.stop(), 0);
    const databaseUrl = `sqlite:${server.databaseFile}`;
    const { stdout } = await run('npm', ['run', '--silent', 'new-epoch'], { cwd: root, env: { ...process.env, PARLEY_DATABASE_URL: databaseUrl } });
    const drawn = /new history epoch ([0-9a-f]{16})/.exec(stdout)?.[1];
    assert.ok(drawn, stdout);
    assert.notEqual(drawn, open.general.epoch);
    const again = await backend.start(server.port);
    servers.push(again);
    await open.tab.waitFor(() => open.resets.length === 1, 'room:reset after new-epoch', 15_000);
    assert.equal(open.resets[0]?.epoch, drawn);
    open.tab.close();
  });

  test('PostgreSQL: pg_dump, pg_restore, and every open client reloads the room', async (t) => {
    const skip = skipUnlessAvailable('PostgreSQL', await postgresReachable());
    if (skip) return t.skip(skip);
    await restoreWithOpenClients(await postgresBackend(cleanups), servers, (note) => t.diagnostic(note));
  });
});
