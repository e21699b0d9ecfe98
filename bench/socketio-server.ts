import http, { type IncomingMessage } from 'node:http';
import { Server } from 'socket.io';

/**
 * The bare Socket.IO baseline: the tutorial's `chat message` protocol on one Socket.IO
 * server, one process, no storage, no cluster, no connection state recovery. Between it
 * and raw ws lies Socket.IO's own cost; between it and Parley, Parley's (storage, cluster,
 * exactly-once delivery). Run as its own process (PORT, HOST); logs
 * `{"msg":"listening","address":{"port":...}}` once it accepts connections.
 */
const port = Number(process.env['PORT'] ?? '0');
const host = process.env['HOST'] ?? '127.0.0.1';

// `/healthz` as Parley has one, so idle-memory times the same answer on every server.
const httpServer = http.createServer((request, response) => {
  response.writeHead(request.url === '/healthz' ? 200 : 404).end();
});
const io = new Server(httpServer);

// Each connection's first HTTP request released, as Socket.IO's memory guide shows
// (`rawSocket.request = null`), and, for a connection that starts on WebSocket, also from
// engine.io's stand-in answer to the upgrade, which holds it for the connection's life
// (`WebSocketResponse.req`; without this the guide's line frees nothing on WebSocket: see
// docs/benchmarks.md). Parley does the same (src/http/connection-facts.ts).
const upgradeAnswers = new WeakMap<IncomingMessage, { req: IncomingMessage | null }>();
io.engine.use((request: IncomingMessage, response: http.ServerResponse | { req: IncomingMessage | null }, next: () => void) => {
  if (!(response instanceof http.ServerResponse)) upgradeAnswers.set(request, response);
  next();
});
io.engine.on('connection', (rawSocket: { request: IncomingMessage | null }) => {
  const { request } = rawSocket;
  rawSocket.request = null;
  const answer = request && upgradeAnswers.get(request);
  if (answer) answer.req = null;
});
let lastOffset = 0;

io.on('connection', (socket) => {
  socket.on('chat message', (text: unknown, _clientOffset: unknown, ack?: unknown) => {
    if (typeof text !== 'string') return;
    lastOffset += 1;
    io.emit('chat message', text, lastOffset);
    if (typeof ack === 'function') ack({ ok: true, data: { serverOffset: lastOffset, duplicate: false } });
  });
});

httpServer.listen(port, host, () => {
  console.log(JSON.stringify({ msg: 'listening', address: httpServer.address() }));
});

const stop = (): void => {
  io.close(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
