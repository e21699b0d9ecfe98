import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import WebSocket from 'ws';
import { startServer } from '../helpers/server.js';

interface Answer {
  readonly status: number;
  readonly body: string;
}

/** One engine.io HTTP request with the given Origin (none when undefined). */
function engineRequest(url: string, origin: string | undefined, method = 'GET', body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = origin === undefined ? {} : { origin };
    if (body !== undefined) headers['content-type'] = 'text/plain;charset=UTF-8';
    const request = http.request(url, { method, headers, agent: false }, (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** Resolves 'open' when the WebSocket upgrade succeeds, 'refused' when it does not. */
function upgrade(url: string, origin: string | undefined): Promise<'open' | 'refused'> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, origin === undefined ? {} : { origin });
    socket.once('open', () => {
      socket.close();
      resolve('open');
    });
    socket.once('error', () => resolve('refused'));
  });
}

test('every engine.io request and the upgrade are checked for Origin: scheme, host and port', async (t) => {
  const server = await startServer({ workers: 2 });
  t.after(() => server.stop());
  const own = `http://127.0.0.1:${server.port}`;
  const foreign = ['https://evil.example', 'null', `https://127.0.0.1:${server.port}`, `http://127.0.0.1:${server.port + 1}`, `http://localhost:${server.port}`];

  const handshake = await engineRequest(`${server.url}/socket.io/?EIO=4&transport=polling`, own);
  assert.equal(handshake.status, 200);
  const sid = (JSON.parse(handshake.body.slice(1)) as { sid: string }).sid;
  const session = `${server.url}/socket.io/?EIO=4&sid=${sid}`;
  assert.equal((await engineRequest(`${session}&transport=polling`, own, 'POST', '40')).body, 'ok');
  assert.match((await engineRequest(`${session}&transport=polling`, own)).body, /^40/, 'the good origin connects');

  for (const origin of foreign) {
    assert.equal((await engineRequest(`${session}&transport=polling`, origin)).status, 403, `a poll from ${origin}`);
    assert.equal((await engineRequest(`${session}&transport=polling`, origin, 'POST', '3')).status, 403, `a POST from ${origin}`);
    assert.equal(await upgrade(`${session.replace('http', 'ws')}&transport=websocket`, origin), 'refused', `an upgrade from ${origin}`);
    assert.equal((await engineRequest(`${server.url}/socket.io/?EIO=4&transport=polling`, origin)).status, 403, `a handshake from ${origin}`);
    assert.equal(await upgrade(`${server.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`, origin), 'refused', `a WebSocket handshake from ${origin}`);
  }

  // The session is still good from its own origin, and non-browser clients (no Origin) pass.
  assert.equal((await engineRequest(`${session}&transport=polling`, own, 'POST', '3')).body, 'ok');
  assert.equal(await upgrade(`${server.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`, own), 'open');
  assert.equal(await upgrade(`${server.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`, undefined), 'open');
  assert.equal(await upgrade(`${session.replace('http', 'ws')}&transport=websocket`, own), 'open', 'the upgrade from its own origin');
});

test('configured origins are compared by scheme, host and port', async (t) => {
  const server = await startServer({ workers: 2, env: { PARLEY_ALLOWED_ORIGINS: 'https://chat.example,http://app.example:8080' } });
  t.after(() => server.stop());
  const handshake = (origin: string): Promise<number> => engineRequest(`${server.url}/socket.io/?EIO=4&transport=polling`, origin).then((answer) => answer.status);
  assert.equal(await handshake('https://chat.example'), 200);
  assert.equal(await handshake('https://chat.example:443'), 200, 'the default port is the same origin');
  assert.equal(await handshake('http://app.example:8080'), 200);
  assert.equal(await handshake('http://chat.example'), 403, 'wrong scheme');
  assert.equal(await handshake('http://app.example'), 403, 'wrong port');
  assert.equal(await handshake('null'), 403);
});

test('behind a trusted proxy the scheme is the one it reports; from anyone else X-Forwarded-Proto is ignored', async (t) => {
  const trusting = await startServer({ workers: 2, env: { PARLEY_TRUSTED_PROXIES: '127.0.0.1' } });
  const untrusting = await startServer({ workers: 2 });
  t.after(() => Promise.all([trusting.stop(), untrusting.stop()]));
  const handshake = (server: typeof trusting, origin: string, proto?: string): Promise<number> =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string> = { origin, ...(proto === undefined ? {} : { 'x-forwarded-proto': proto }) };
      http.get(`${server.url}/socket.io/?EIO=4&transport=polling`, { headers, agent: false }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      }).on('error', reject);
    });
  assert.equal(await handshake(trusting, `https://127.0.0.1:${trusting.port}`, 'https'), 200);
  assert.equal(await handshake(trusting, `http://127.0.0.1:${trusting.port}`, 'https'), 403);
  assert.equal(await handshake(untrusting, `https://127.0.0.1:${untrusting.port}`, 'https'), 403);
  assert.equal(await handshake(untrusting, `http://127.0.0.1:${untrusting.port}`, 'https'), 200);
});
