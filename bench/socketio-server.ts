import http from 'node:http';
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

const httpServer = http.createServer();
const io = new Server(httpServer);
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
