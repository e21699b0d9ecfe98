import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { io, type ManagerOptions, type SocketOptions } from 'socket.io-client';
import type { Ack } from '../../src/shared/errors.js';
import { connected, type ChatSocket } from '../helpers/clients.js';
import fs from 'node:fs';
import { freePort, nginxAvailable, startNginx, TRIAL_CONFIG, type RunningNginx } from '../helpers/nginx.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { skipUnlessAvailable } from '../helpers/services.js';
import { quietFor } from '../helpers/waits.js';

const skip = skipUnlessAvailable('nginx', nginxAvailable(), 'apt-get install -y nginx');

type Transports = ('polling' | 'websocket')[];

/**
 * deploy/nginx/parley.conf in front of two Parley nodes, as shipped: `nginx -t` accepts it,
 * TLS ends at nginx, new sessions spread over both nodes, every request of a long-polling
 * session reaches the node that holds it, and the upgrade to WebSocket goes through. (That
 * the two nodes are one chat, over PostgreSQL and Redis, is tested in test/nodes/.)
 */
describe('nginx in front of two nodes', { skip }, () => {
  let nodes: RunningServer[] = [];
  let nginx: RunningNginx;
  const clients: ChatSocket[] = [];

  before(async () => {
    nodes = await Promise.all(
      ['node1', 'node2'].map((nodeId) => startServer({ workers: 2, env: { PARLEY_NODE_ID: nodeId, PARLEY_TRUSTED_PROXIES: '127.0.0.1' } })),
    );
    nginx = await startNginx([nodes[0]?.port ?? 0, nodes[1]?.port ?? 0]);
  });
  after(async () => {
    for (const client of clients) client.close();
    await nginx?.stop();
    await Promise.all(nodes.map((node) => node.stop()));
  });

  const open = (transports: Transports, origin?: string): ChatSocket => {
    const options: Partial<ManagerOptions & SocketOptions> & { rejectUnauthorized: boolean } = {
      auth: { serverOffset: 0 },
      transports,
      forceNew: true,
      reconnection: false,
      // The test's own self-signed certificate.
      rejectUnauthorized: false,
      ...(origin === undefined ? {} : { extraHeaders: { origin } }),
    };
    const socket = io(nginx.url, options) as ChatSocket;
    clients.push(socket);
    return socket;
  };

  test('sessions on both transports spread over the nodes, stay on their node, and upgrade', async () => {
    const kinds: Transports[] = [['polling'], ['websocket'], ['polling', 'websocket']];
    const sockets = kinds.flatMap((transports) => Array.from({ length: 6 }, () => open(transports, nginx.url)));
    await Promise.all(sockets.map((socket) => connected(socket)));
    const nodesUsed = new Set(sockets.map((socket) => socket.io.engine.id.split('.')[1]));
    assert.deepEqual([...nodesUsed].sort(), ['node1', 'node2'], 'new sessions went to both nodes');
    // Several round trips each: over long-polling every POST and GET must reach the session's node.
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all(
        sockets.map((socket) => socket.timeout(10_000).emitWithAck('chat message', `hello ${round}`, randomUUID()) as Promise<Ack<unknown>>),
      );
      assert.ok(answers.every((answer) => answer.ok), JSON.stringify(answers.filter((answer) => !answer.ok)));
    }
    await quietFor(500, 'a late error through nginx');
    const upgraded = sockets.slice(12).filter((socket) => socket.io.engine.transport.name === 'websocket').length;
    assert.equal(upgraded, 6, 'every polling-first session upgraded to WebSocket through nginx');
    assert.ok(sockets.every((socket) => socket.connected), 'no session was lost to a request routed to the wrong node');
  });

  test('the browser Origin is checked with the scheme nginx reports (https), not the hop behind it', async () => {
    const good = open(['polling'], nginx.url);
    await connected(good);
    const wrongScheme = open(['polling'], nginx.url.replace('https:', 'http:'));
    const refused = await new Promise<boolean>((resolve) => {
      wrongScheme.once('connect', () => resolve(false));
      wrongScheme.once('connect_error', () => resolve(true));
    });
    assert.ok(refused, 'an http:// Origin is refused behind a TLS proxy');
  });
});

/**
 * Issue 22, item 9: deploy/nginx/parley-trial-http.conf, the plain-HTTP variant for a trial
 * on one machine, run as the README's guide runs it: `nginx -t` accepts it, it says it is not
 * for production and listens on the loopback only; the nodes (PARLEY_TRUSTED_PROXIES=127.0.0.1,
 * PARLEY_ALLOWED_ORIGINS with nginx's port) serve the page, sessions on both transports spread
 * over them and upgrade, and an Origin without the port is refused.
 */
describe('nginx, plain-HTTP trial on one machine (not for production)', { skip }, () => {
  let nodes: RunningServer[] = [];
  let nginx: RunningNginx;
  const clients: ChatSocket[] = [];

  before(async () => {
    const port = await freePort();
    nodes = await Promise.all(
      ['node1', 'node2'].map((nodeId) =>
        startServer({
          workers: 1,
          env: { PARLEY_NODE_ID: nodeId, PARLEY_TRUSTED_PROXIES: '127.0.0.1', PARLEY_ALLOWED_ORIGINS: `http://127.0.0.1:${port}` },
        }),
      ),
    );
    nginx = await startNginx([nodes[0]?.port ?? 0, nodes[1]?.port ?? 0], { variant: 'trial-http', port });
  });
  after(async () => {
    for (const client of clients) client.close();
    await nginx?.stop();
    await Promise.all(nodes.map((node) => node.stop()));
  });

  const open = (transports: Transports, origin: string): ChatSocket => {
    const socket = io(nginx.url, { auth: { serverOffset: 0 }, transports, forceNew: true, reconnection: false, extraHeaders: { origin } }) as ChatSocket;
    clients.push(socket);
    return socket;
  };

  test('marked NOT FOR PRODUCTION, on the loopback only', () => {
    const text = fs.readFileSync(TRIAL_CONFIG, 'utf8');
    assert.match(text.split('\n')[0] ?? '', /NOT FOR PRODUCTION/);
    const listens = [...text.matchAll(/^\s*listen\s+([^;]+);/gm)].map((match) => match[1]);
    assert.deepEqual(listens, ['127.0.0.1:8080']);
  });

  test('serves the page and the chat over plain HTTP, across both nodes, both transports', async () => {
    assert.equal((await fetch(`${nginx.url}/`)).status, 200);
    assert.equal((await fetch(`${nginx.url}/healthz`)).status, 200);
    const kinds: Transports[] = [['polling'], ['websocket'], ['polling', 'websocket']];
    const sockets = kinds.flatMap((transports) => Array.from({ length: 4 }, () => open(transports, nginx.url)));
    await Promise.all(sockets.map((socket) => connected(socket)));
    assert.deepEqual([...new Set(sockets.map((socket) => socket.io.engine.id.split('.')[1]))].sort(), ['node1', 'node2']);
    const answers = await Promise.all(sockets.map((socket) => socket.timeout(10_000).emitWithAck('chat message', 'trial', randomUUID()) as Promise<Ack<unknown>>));
    assert.ok(answers.every((answer) => answer.ok), JSON.stringify(answers.filter((answer) => !answer.ok)));
    await quietFor(500, 'a late error through nginx');
    assert.equal(sockets.slice(8).filter((socket) => socket.io.engine.transport.name === 'websocket').length, 4, 'polling-first sessions upgraded');
  });

  test('PARLEY_ALLOWED_ORIGINS needs the port: the same origin without it is refused', async () => {
    const withoutPort = open(['polling'], 'http://127.0.0.1');
    const refused = await new Promise<boolean>((resolve) => {
      withoutPort.once('connect', () => resolve(false));
      withoutPort.once('connect_error', () => resolve(true));
    });
    assert.ok(refused, 'http://127.0.0.1 is not http://127.0.0.1:<port>');
  });
});
