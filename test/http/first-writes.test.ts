import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { startServer, type RunningServer } from '../helpers/server.js';

/**
 * A new WebSocket connection's first answers leave in one write each way
 * (src/http/first-writes.ts): the 101 answer with Engine.IO's open packet, and Socket.IO's
 * CONNECT answer with `session:user`. Counted as the server process's write system calls
 * (`syscw` of /proc/<pid>/io), on one process (no cluster: no IPC writes), over connections
 * made one after another after one that is not counted (the first also finds modules and
 * logs to load); each phase ends when the client holds the last answer, so every write of
 * it has been made. Before first-writes.ts: two writes for each phase.
 */
const CONNECTIONS = 20;
/** Writes of the process that are not the connections' (a log line, a timer): a few at most over the run. */
const SPARE_WRITES = 3;

let server: RunningServer;
before(async () => {
  server = await startServer({ entry: 'main' });
});
after(async () => {
  await server.stop();
});

function writesSoFar(pid: number): number {
  const line = fs.readFileSync(`/proc/${pid}/io`, 'utf8').split('\n').find((entry) => entry.startsWith('syscw:'));
  assert.ok(line, 'syscw in /proc/<pid>/io');
  return Number(line.slice('syscw:'.length));
}

/** The next text frame of `socket` that `accept` takes, every other ignored. */
function frame(socket: WebSocket, accept: (text: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const onMessage = (data: WebSocket.RawData): void => {
      const text = data.toString();
      if (!accept(text)) return;
      socket.off('message', onMessage);
      resolve(text);
    };
    socket.on('message', onMessage);
    socket.once('close', () => reject(new Error('closed before the frame came')));
  });
}

test(`the first answers of ${CONNECTIONS} WebSocket connections: one write for the upgrade and open packet, one for CONNECT and session:user`, async () => {
  const sockets: WebSocket[] = [];
  let upgradeWrites = 0;
  let connectWrites = 0;
  try {
    for (let i = 0; i <= CONNECTIONS; i++) {
      const counted = i > 0;
      const start = writesSoFar(server.pid);
      const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, { perMessageDeflate: false });
      sockets.push(socket);
      await frame(socket, (text) => text.startsWith('0{'));
      const opened = writesSoFar(server.pid);
      if (counted) upgradeWrites += opened - start;

      const told = frame(socket, (text) => text.startsWith('42["session:user"'));
      socket.send('40{"serverOffset":0}');
      await told;
      if (counted) connectWrites += writesSoFar(server.pid) - opened;
    }
  } finally {
    for (const socket of sockets) socket.close();
  }
  assert.ok(upgradeWrites <= CONNECTIONS + SPARE_WRITES, `${upgradeWrites} writes for ${CONNECTIONS} upgrades and open packets`);
  assert.ok(connectWrites <= CONNECTIONS + SPARE_WRITES, `${connectWrites} writes for ${CONNECTIONS} CONNECT answers and session:user`);
});
