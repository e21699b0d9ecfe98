import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { Server } from 'socket.io';
import { io } from 'socket.io-client';
import { IssuedIds, issueSocketId } from '../../src/auth/issued-ids.js';
import type { ParleyServer } from '../../src/types.js';
import { connected, eventually } from '../helpers/clients.js';
import { startServer } from '../helpers/server.js';
import { TEST_SESSION_SECRET } from '../helpers/session-cookies.js';

const ids = new IssuedIds(TEST_SESSION_SECRET);

test('an issued id verifies under the same secret only, and a changed character breaks it', () => {
  const id = ids.socketId();
  assert.ok(ids.isIssued(id));
  assert.ok(new IssuedIds(TEST_SESSION_SECRET).isIssued(id), 'another worker or node with the same secret');
  assert.equal(new IssuedIds(`${TEST_SESSION_SECRET}x`).isIssued(id), false, 'another deployment');
  const last = id.at(-1) === 'A' ? 'B' : 'A';
  assert.equal(ids.isIssued(id.slice(0, -1) + last), false);
  assert.equal(ids.isIssued('AAAAAAAAAAAAAAAAAAAA'), false, 'a socket.io-shaped id Parley never issued');
  assert.equal(ids.isIssued(''), false);
  assert.ok(ids.isIssued(ids.issue('0.node1.abc')), 'engine ids are signed the same way');
});

test("socket.io's registries follow the new id: the socket is found by it, and nothing is left behind", async (t) => {
  const httpServer = http.createServer();
  const server: ParleyServer = new Server(httpServer);
  // As src/connections/lifecycle.ts does it: the first step of the first middleware.
  server.use((socket, next) => {
    issueSocketId(socket, ids);
    next();
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  const { port } = httpServer.address() as AddressInfo;
  const namespace = server.of('/');
  const pending = (namespace as unknown as { _preConnectSockets: Map<string, unknown> })._preConnectSockets;

  const client = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], forceNew: true });
  t.after(() => client.close());
  await connected(client);
  const id = client.id ?? '';
  assert.ok(ids.isIssued(id));
  assert.ok(namespace.sockets.get(id), 'the namespace knows the socket by its issued id');
  assert.equal(pending.size, 0, 'no socket is left among those in their middlewares');
  const heard = new Promise<string>((resolve) => client.once('chat message', resolve));
  server.to(id).emit('chat message', 'to you', 1);
  assert.equal(await heard, 'to you', 'the room named after the socket id is the new id');
  client.close();
  await eventually(() => namespace.sockets.size === 0 && pending.size === 0, 'the socket is removed on disconnect');
});

test('the socket id and the Engine.IO session id a client is given are issued ids, on both transports', async (t) => {
  const server = await startServer({ workers: 2 });
  t.after(() => server.stop());
  for (const transport of ['websocket', 'polling'] as const) {
    const socket = io(server.url, { transports: [transport], forceNew: true, auth: { serverOffset: 0 } });
    t.after(() => socket.close());
    await connected(socket);
    assert.ok(ids.isIssued(socket.id ?? ''), `socket id ${socket.id}`);
    assert.ok(ids.isIssued(socket.io.engine.id), `engine id ${socket.io.engine.id}`);
    assert.match(socket.io.engine.id, /^\d+\.[^.]+\./, 'still starts with the worker index and node id (sticky routing, nginx)');
    // The socket answers under its new id: a message round-trips and is acknowledged.
    const ack = (await socket.timeout(5000).emitWithAck('chat message', 'hello', `${socket.id}-0`)) as { ok: boolean };
    assert.equal(ack.ok, true);
  }
});
