import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { connected, tutorialClient } from '../helpers/clients.js';
import { startServer } from '../helpers/server.js';

/** How each process has the database file open: 'read' or 'read-write' per descriptor. */
function openModes(pid: number, file: string): ('read' | 'read-write')[] {
  const real = fs.realpathSync(file);
  const modes: ('read' | 'read-write')[] = [];
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    let target: string;
    try {
      target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue; // closed meanwhile
    }
    if (target !== real) continue;
    const flags = /^flags:\s+([0-7]+)$/m.exec(fs.readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8'))?.[1];
    assert.ok(flags, `flags of fd ${fd} of ${pid}`);
    // The access mode is the low two bits: 0 O_RDONLY, 1 O_WRONLY, 2 O_RDWR.
    modes.push((parseInt(flags, 8) & 3) === 0 ? 'read' : 'read-write');
  }
  return modes;
}

test('SQLite under npm start: workers only read the file, the primary writes every worker\'s messages', { skip: !fs.existsSync('/proc/self/fdinfo') && 'needs Linux /proc' }, async (t) => {
  const server = await startServer({ workers: 2 });
  t.after(() => server.stop('SIGKILL'));

  // Websocket only, so each session id names the worker that serves it ("<index>.…").
  const clients = Array.from({ length: 6 }, () => tutorialClient(server.url, { transports: ['websocket'] }));
  t.after(() => clients.forEach((client) => client.disconnect()));
  await Promise.all(clients.map((client) => connected(client)));
  const served = new Set(clients.map((client) => client.io.engine.id.split('.')[0]));
  assert.deepEqual([...served].sort(), ['0', '1'], 'clients on both workers');

  const acks = await Promise.all(
    clients.flatMap((client, c) =>
      Array.from({ length: 20 }, (_, i) => client.timeout(10_000).emitWithAck('chat message', `c${c} m${i}`, `${client.id}-${i}`)),
    ),
  );
  const offsets = acks.map((ack) => (ack.ok ? ack.data.serverOffset : Number.NaN)).sort((a, b) => a - b);
  assert.deepEqual(offsets, Array.from({ length: 120 }, (_, i) => i + 1), 'every message stored once, offsets gap-free');

  for (const pid of server.workerPids()) {
    const modes = openModes(pid, server.databaseFile);
    assert.ok(modes.length > 0, `worker ${pid} has the database open`);
    assert.deepEqual([...new Set(modes)], ['read'], `worker ${pid} opened the database read-only`);
  }
  assert.ok(openModes(server.pid, server.databaseFile).includes('read-write'), 'the primary (its writer thread) writes the database');
});
