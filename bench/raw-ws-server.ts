import http from 'node:http';
import { WebSocketServer, type RawData } from 'ws';

/**
 * The ceiling: a minimal broadcast server on the bare `ws` library, one process, no
 * persistence, no rooms, no recovery. It speaks the benchmark's raw protocol:
 *
 *   client -> server   `s` + JSON [ackId, text]
 *   server -> all      `m` + JSON [text, offset]     (the sender included, like Parley)
 *   server -> sender   `a` + JSON [ackId, offset]    (after the broadcast, like Parley)
 *
 * Run as its own process (PORT, HOST) so its CPU and memory are read like Parley's. Logs
 * `{"msg":"listening","address":{"port":...}}` once it accepts connections.
 */
const port = Number(process.env['PORT'] ?? '0');
const host = process.env['HOST'] ?? '127.0.0.1';

// `/healthz` as Parley has one, so idle-memory times the same answer on every server.
const httpServer = http.createServer((request, response) => {
  response.writeHead(request.url === '/healthz' ? 200 : 404).end();
});
const wss = new WebSocketServer({ server: httpServer, maxPayload: 64 * 1024 });
let lastOffset = 0;

wss.on('connection', (socket) => {
  socket.on('message', (data: RawData) => {
    const frame = data.toString();
    if (!frame.startsWith('s')) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(frame.slice(1));
    } catch {
      return;
    }
    if (!Array.isArray(parsed) || typeof parsed[0] !== 'number' || typeof parsed[1] !== 'string') return;
    const [ackId, text] = parsed as [number, string];
    lastOffset += 1;
    // Encoded once for all receivers, as Socket.IO's broadcast does.
    const message = Buffer.from(`m${JSON.stringify([text, lastOffset])}`);
    for (const client of wss.clients) client.send(message, { binary: false });
    socket.send(`a${JSON.stringify([ackId, lastOffset])}`);
  });
  socket.on('error', () => socket.terminate());
});

httpServer.listen(port, host, () => {
  console.log(JSON.stringify({ msg: 'listening', address: httpServer.address() }));
});

const stop = (): void => {
  for (const client of wss.clients) client.terminate();
  wss.close();
  httpServer.close(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
