import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Server } from 'socket.io';
import { encodeEvent, writeFrames } from '../src/delivery/ws-frames.js';
import { waitUntilWritable } from '../src/delivery/writable.js';
import type { ParleySocket } from '../src/types.js';
import { ClientPool } from './load/client-pool.js';
import { now, stampedText } from './load/protocol.js';
import { cpuSecondsBetween, machineBusyBetween, machineCpu, snapshot } from './process-usage.js';

/**
 * The floor of the catch-up scenario on this machine: the benchmark's own client
 * processes (the same 500 tutorial clients from offset 0, the same 64-character stamped
 * texts, the same delivery log) against the cheapest server that can feed them: one bare
 * Socket.IO process, everything in memory, each message framed once and written in
 * batches with Parley's own catch-up writer and pacing. Parley cannot catch up faster
 * than this, whatever it does.
 *
 *   node --import tsx bench/catch-up-floor.ts [--runs 3] [--client-processes 1] [--batch 200]
 */
const HISTORY = 2_000;
const CLIENTS = 500;

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    'client-processes': { type: 'string', default: '1' },
    batch: { type: 'string', default: '200' },
  },
});
const runs = Math.min(10, Math.max(1, Number(values.runs)));
const clientProcesses = Math.min(8, Math.max(1, Number(values['client-processes'])));
const batchSize = Math.max(1, Number(values.batch));

const round = (value: number): number => Math.round(value * 100) / 100;

async function once(run: number): Promise<void> {
  const http = createServer();
  const io = new Server(http, { transports: ['websocket'] });
  const frames = Array.from({ length: HISTORY }, (_, index) => {
    const frame = encodeEvent(io.encoder, '/', ['chat message', stampedText(now(), 64), index + 1])?.frame;
    if (!frame) throw new Error('a text message must frame');
    return frame;
  });
  io.on('connection', (socket) => {
    void (async () => {
      for (let at = 0; at < HISTORY && socket.connected; at += batchSize) {
        writeFrames(socket as ParleySocket, Buffer.concat(frames.slice(at, at + batchSize)));
        await waitUntilWritable(socket as ParleySocket);
      }
    })();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const pool = ClientPool.start(clientProcesses);
  try {
    // Let the client processes load before the clock starts, as the scenario does.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const clientsBefore = snapshot(pool.pids);
    const serverBefore = process.cpuUsage();
    const machineBefore = machineCpu();
    const connect = await pool.connect({ urls: [url], kind: 'socketio', clients: CLIENTS, startOffset: 0, concurrency: CLIENTS, timeoutMs: 20_000, expectThroughOffset: HISTORY });
    const delivery = await pool.deliveries(HISTORY, 30_000);
    const serverCpu = process.cpuUsage(serverBefore);
    const done = delivery.reachedAt.filter((at) => Number.isFinite(at));
    const result = {
      run,
      connected: connect.connected,
      deliveries: delivery.deliveries,
      allCaughtUpMs: Math.round(done.length === CLIENTS ? Math.max(...done) - connect.startedAt : Number.NaN),
      clientCpuSeconds: round(cpuSecondsBetween(clientsBefore, snapshot(pool.pids))),
      // This process: the server and the runner, which idles meanwhile.
      serverCpuSeconds: round((serverCpu.user + serverCpu.system) / 1e6),
      machineBusy: round(machineBusyBetween(machineBefore, machineCpu())),
    };
    console.log(JSON.stringify(result));
  } finally {
    await pool.close();
    await new Promise<void>((resolve) => io.close(() => resolve()));
  }
}

for (let run = 1; run <= runs; run++) await once(run);
