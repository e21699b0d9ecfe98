import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, type TestContext } from 'node:test';
import { Server } from 'socket.io';
import type { ParleyServer, ParleySocket } from '../../src/types.js';
import { connected, eventually, tutorialClient } from './clients.js';

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

/** A file's bare Socket.IO server: started before its first test, closed after its last. */
export interface BareSocketIoWorld {
  readonly server: BareSocketIo;
  readonly url: string;
  serverSocketOf(id: string | undefined): Promise<ParleySocket>;
  /** A tutorial client on `transports`, connected and closed after the test `t`, with its socket on the server. */
  connect(t: TestContext, transports: ('polling' | 'websocket')[]): Promise<{ client: ReturnType<typeof tutorialClient>; socket: ParleySocket }>;
}

export function bareSocketIoWorld(): BareSocketIoWorld {
  let server: BareSocketIo | undefined;
  before(async () => {
    server = await startBareSocketIo();
  });
  after(() => server?.close());
  const world: BareSocketIoWorld = {
    get server() {
      if (!server) throw new Error('the bare Socket.IO server is not started yet');
      return server;
    },
    get url() {
      return world.server.url;
    },
    serverSocketOf: (id) => world.server.serverSocketOf(id),
    async connect(t, transports) {
      const client = tutorialClient(world.url, { transports });
      t.after(() => client.close());
      await connected(client);
      return { client, socket: await world.serverSocketOf(client.id) };
    },
  };
  return world;
}
