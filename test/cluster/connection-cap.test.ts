import assert from 'node:assert/strict';
import { test } from 'node:test';
import { io, type Socket } from 'socket.io-client';
import { eventually } from '../helpers/clients.js';
import { startServer } from '../helpers/server.js';
import { pace } from '../helpers/waits.js';

const CAP = 10;

/**
 * Connects one client without reconnection; resolves with it, or with the refusal's reason:
 * engine.io answers a refused handshake 403 with `{ code: 4, message }`, which the client
 * gives as the error's context (the XHR).
 */
function attempt(url: string): Promise<{ socket: Socket; refusal?: string }> {
  const socket = io(url, { transports: ['polling', 'websocket'], forceNew: true, reconnection: false });
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ socket }));
    socket.once('connect_error', (error: Error & { context?: { responseText?: string } }) => {
      const answer = error.context?.responseText;
      resolve({ socket, refusal: answer === undefined ? error.message : (JSON.parse(answer) as { message: string }).message });
    });
  });
}

/** Opens `count` clients at once; the connected ones and the refusals' messages. */
async function open(url: string, count: number): Promise<{ connected: Socket[]; refusals: string[] }> {
  const results = await Promise.all(Array.from({ length: count }, () => attempt(url)));
  return {
    connected: results.filter((result) => result.refusal === undefined).map((result) => result.socket),
    refusals: results.flatMap((result) => (result.refusal === undefined ? [] : [result.refusal])),
  };
}

test('one address holds at most its cap of sessions across both workers; closing or losing a worker frees slots', async (t) => {
  const server = await startServer({ workers: 2, env: { PARLEY_MAX_CONNECTIONS_PER_ADDRESS: String(CAP) } });
  const sockets: Socket[] = [];
  t.after(async () => {
    sockets.forEach((socket) => socket.close());
    await server.stop();
  });

  const first = await open(server.url, CAP + 3);
  sockets.push(...first.connected);
  assert.equal(first.connected.length, CAP, 'exactly the cap connect');
  assert.deepEqual(first.refusals, ['too many connections from this address', 'too many connections from this address', 'too many connections from this address']);
  const workersUsed = new Set(first.connected.map((socket) => socket.io.engine.id.split('.')[0]));
  assert.equal(workersUsed.size, 2, 'the sessions are spread over both workers, and counted together');

  // The connected ones still work.
  const [alice, bob] = first.connected;
  assert.ok(alice && bob);
  const delivered = new Promise<string>((resolve) => bob.once('chat message', (text: string) => resolve(text)));
  const ack = (await alice.timeout(5000).emitWithAck('chat message', 'capped but fine', 'cap-1')) as { ok: boolean };
  assert.equal(ack.ok, true);
  assert.equal(await delivered, 'capped but fine');

  // Closing two frees two slots, no more.
  first.connected.slice(-2).forEach((socket) => socket.close());
  const second = await eventuallyOpen(server.url, 2);
  sockets.push(...second.connected);
  assert.equal((await open(server.url, 1)).refusals.length, 1, 'full again');

  // A worker killed with kill -9 frees every slot its sessions held.
  const victimIndex = 0;
  const victimPid = server.logs().find((line) => line.msg === 'worker ready' && line['worker'] === victimIndex)?.['workerPid'];
  assert.equal(typeof victimPid, 'number');
  const onVictim = sockets.filter((socket) => socket.connected && socket.io.engine.id.startsWith(`${victimIndex}.`));
  assert.ok(onVictim.length > 0, 'some sessions are on the worker to kill');
  process.kill(victimPid as number, 'SIGKILL');
  await eventually(() => onVictim.every((socket) => !socket.connected), 'the killed worker’s clients notice');
  await server.waitForLog((line) => line.msg === 'worker ready' && line['worker'] === victimIndex && line['workerPid'] !== victimPid);
  const third = await open(server.url, onVictim.length + 1);
  sockets.push(...third.connected);
  assert.equal(third.connected.length, onVictim.length, `the ${onVictim.length} slots of the killed worker are free again`);
  assert.equal(third.refusals.length, 1);
});

/** Releases reach the primary asynchronously: retries opening `count` clients for a while. */
async function eventuallyOpen(url: string, count: number): Promise<{ connected: Socket[] }> {
  const connected: Socket[] = [];
  const deadline = Date.now() + 5000;
  while (connected.length < count && Date.now() < deadline) {
    const result = await open(url, count - connected.length);
    connected.push(...result.connected);
    if (connected.length < count) await pace(100, 'the next try');
  }
  assert.equal(connected.length, count, `${count} freed slots taken`);
  return { connected };
}

test('a single process (no cluster) counts its own sessions per address', async (t) => {
  const server = await startServer({ entry: 'main', env: { PARLEY_MAX_CONNECTIONS_PER_ADDRESS: '3' } });
  const result = await open(server.url, 5);
  t.after(async () => {
    result.connected.forEach((socket) => socket.close());
    await server.stop();
  });
  assert.equal(result.connected.length, 3);
  assert.deepEqual(result.refusals, ['too many connections from this address', 'too many connections from this address']);
  result.connected[0]?.close();
  assert.equal((await eventuallyOpen(server.url, 1)).connected.length, 1, 'a closed session frees its slot');
});
