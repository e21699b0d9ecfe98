import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';

export interface RequestDeadlines {
  /** From the connection's arrival to the end of the request's headers. */
  readonly headersTimeoutMs: number;
  /** From the connection's arrival to the end of the request's body. */
  readonly requestTimeoutMs: number;
}

/**
 * Absolute deadlines for reading a request: a client that sends its headers or its body a
 * byte at a time is cut when they run out, however steadily the bytes come. Only reading
 * counts: once the request is in, answering may take as long as it takes (engine.io holds
 * a long-polling GET open until it has something to send), and an upgraded WebSocket is
 * no longer an HTTP request.
 *
 * Node's own `headersTimeout` and `requestTimeout` are enforced only by a server that
 * listens, and a cluster worker's server never does (the primary hands it connections).
 * One request per connection (maxRequestsPerSocket = 1) makes one deadline per connection.
 * Install it after Socket.IO: engine.io takes over the 'request' listeners present when it
 * attaches and calls them only for requests outside its path.
 */
export function enforceRequestDeadlines(server: Server, deadlines: RequestDeadlines): void {
  const timers = new WeakMap<Socket, NodeJS.Timeout>();
  const cut = (socket: Socket, ms: number, unlessComplete?: IncomingMessage): void => {
    clearTimeout(timers.get(socket));
    const timer = setTimeout(() => {
      // `complete` is set when the last byte of the request is parsed, whether or not its
      // handler has read the body (a long-polling GET's is never read).
      if (unlessComplete?.complete !== true) socket.destroy();
    }, Math.max(0, ms));
    timers.set(socket, timer);
  };
  const done = (socket: Socket): void => {
    clearTimeout(timers.get(socket));
    timers.delete(socket);
  };
  const startedAt = new WeakMap<Socket, number>();
  // One listener for every socket (not a closure each): an idle WebSocket keeps nothing of it.
  function onClose(this: Socket): void {
    done(this);
  }

  server.on('connection', (socket: Socket) => {
    startedAt.set(socket, Date.now());
    cut(socket, deadlines.headersTimeoutMs);
    socket.once('close', onClose);
  });
  server.on('request', (request: IncomingMessage) => {
    const socket = request.socket;
    if (request.complete) {
      done(socket);
      return;
    }
    const elapsed = Date.now() - (startedAt.get(socket) ?? Date.now());
    cut(socket, deadlines.requestTimeoutMs - elapsed, request);
    request.once('end', () => done(socket));
  });
  // An upgraded connection is no longer an HTTP request: nothing of its deadline stays with it.
  server.on('upgrade', (request: IncomingMessage) => {
    const socket = request.socket;
    done(socket);
    startedAt.delete(socket);
    socket.removeListener('close', onClose);
  });
}
