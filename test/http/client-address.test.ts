import assert from 'node:assert/strict';
import { once } from 'node:events';
import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { clientAddress, clientScheme } from '../../src/http/client-address.js';

/** A real HTTP server that answers each request with what `answer` says of it. */
async function serve(answer: (request: IncomingMessage) => string): Promise<{ ask: (headers: Record<string, string>) => Promise<string>; close: () => void }> {
  const server = http.createServer((request, response) => response.end(answer(request)));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const ask = (headers: Record<string, string>): Promise<string> =>
    new Promise((resolve, reject) => {
      http.get({ port, host: '127.0.0.1', headers, agent: false }, (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve(text));
      }).on('error', reject);
    });
  return { ask, close: () => server.close() };
}

test('X-Forwarded-For is believed only from a trusted proxy, and only right of it', async (t) => {
  const untrusting = await serve((request) => clientAddress(request, []));
  const trusting = await serve((request) => clientAddress(request, ['127.0.0.1', '10.0.0.2']));
  t.after(() => {
    untrusting.close();
    trusting.close();
  });
  assert.equal(await untrusting.ask({ 'x-forwarded-for': '203.0.113.7' }), '127.0.0.1', 'an untrusted peer is the client');
  assert.equal(await trusting.ask({}), '127.0.0.1', 'a trusted proxy that says nothing is the client');
  assert.equal(await trusting.ask({ 'x-forwarded-for': '203.0.113.7' }), '203.0.113.7');
  // The client wrote 1.1.1.1 itself; the proxy appended what it saw.
  assert.equal(await trusting.ask({ 'x-forwarded-for': '1.1.1.1, 203.0.113.7' }), '203.0.113.7');
  assert.equal(await trusting.ask({ 'x-forwarded-for': '203.0.113.7, 10.0.0.2' }), '203.0.113.7', 'trusted hops are skipped');
  assert.equal(await trusting.ask({ 'x-forwarded-for': '10.0.0.2' }), '10.0.0.2', 'all hops trusted: the farthest');
  assert.equal(await trusting.ask({ 'x-forwarded-for': '1.1.1.1, not-an-ip' }), '127.0.0.1', 'garbage stops at the proxy that wrote it');
  assert.equal(await trusting.ask({ 'x-forwarded-for': '::ffff:203.0.113.9' }), '203.0.113.9');
});

test('X-Forwarded-Proto is believed only from a trusted proxy', async (t) => {
  const untrusting = await serve((request) => clientScheme(request, []));
  const trusting = await serve((request) => clientScheme(request, ['127.0.0.1']));
  t.after(() => {
    untrusting.close();
    trusting.close();
  });
  assert.equal(await untrusting.ask({ 'x-forwarded-proto': 'https' }), 'http');
  assert.equal(await trusting.ask({ 'x-forwarded-proto': 'https' }), 'https');
  assert.equal(await trusting.ask({ 'x-forwarded-proto': 'https, http' }), 'http', 'the right-most value, the proxy’s own');
});
