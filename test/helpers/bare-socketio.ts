import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import type { ParleyServer, ParleySocket } from '../../src/types.js';
import { eventually } from './clients.js';

/** A plain Socket.IO server on an ephemeral port of 127.0.0.1, for tests of engine.io internals. */
export interface BareSocketIo {
  readonly io: ParleyServer;
  readonly url: string;
  /** The server side of the client connection with this id, once it has connected. */
  serverSocketOf(id: string | undefined): Promise<ParleySocket>;
  close(): Promise<void>;
}

export async function startBareSocketIo(): Promise<BareSocketIo> {
  const http = createServer();
  const io = new Server(http) as ParleyServer;
  const sockets: ParleySocket[] = [];
  io.on('connection', (socket) => sockets.push(socket));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    io,
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    async serverSocketOf(id) {
      await eventually(() => sockets.some((socket) => socket.id === id), 'server socket');
      const socket = sockets.find((candidate) => candidate.id === id);
      assert.ok(socket);
      return socket;
    },
    close: () => io.close(),
  };
}
