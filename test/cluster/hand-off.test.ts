import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { connected, tutorialClient } from '../helpers/clients.js';
import { openRaw } from '../helpers/raw-connections.js';
import { startServer, tempDir } from '../helpers/server.js';
import { letTimePass } from '../helpers/waits.js';

/** Text long enough that its POST outgrows one read of the primary (64 KB). */
const LONG_TEXT = 'x'.repeat(300_000);

function post(url: string, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', agent: false, headers: { 'content-type': 'text/plain;charset=UTF-8' } }, (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve(text));
    });
    request.on('error', reject);
    request.end(body);
  });
}

function getText(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent: false }, (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve(text));
    }).on('error', reject);
  });
}

test('a request line and its body sent in one TCP write reach the worker whole', async (t) => {
  const server = await startServer({ workers: 2, env: { PARLEY_MAX_MESSAGE_LENGTH: String(LONG_TEXT.length) } });
  t.after(() => server.stop());
  const reader = tutorialClient(server.url, { transports: ['websocket'] });
  t.after(() => reader.close());
  await connected(reader);

  // A long-polling session, connected to the default namespace.
  const handshake = await getText(`${server.url}/socket.io/?EIO=4&transport=polling`);
  const sid = (JSON.parse(handshake.slice(1)) as { sid: string }).sid;
  const session = `/socket.io/?EIO=4&transport=polling&sid=${sid}`;
  assert.equal(await post(`${server.url}${session}`, '40'), 'ok');
  assert.match(await getText(`${server.url}${session}`), /^40/);

  // Its next POST, head and a body of several hundred KB, in one write.
  const body = Buffer.from(`42${JSON.stringify(['chat message', LONG_TEXT, 'one-write-1'])}`);
  const head = `POST ${session} HTTP/1.1\r\nhost: 127.0.0.1:${server.port}\r\ncontent-type: text/plain;charset=UTF-8\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n`;
  const delivered = new Promise<string>((resolve) => reader.once('chat message', (text) => resolve(text)));
  const connection = openRaw(server.port);
  connection.socket.write(Buffer.concat([Buffer.from(head), body]));
  await Promise.race([connection.closed, letTimePass(10_000, 'the bound on closing the connection')]);
  assert.match(connection.received, /^HTTP\/1\.1 200[^]*\r\n\r\nok$/, 'the POST is answered ok');
  assert.equal((await delivered).length, LONG_TEXT.length, 'the message arrived whole');
});

test('the primary refuses to start where TCP handles have no readStop', async () => {
  // Hides the private method the sticky router relies on, as a Node without it would.
  const hideReadStop = `data:text/javascript,${encodeURIComponent("Object.defineProperty(process.binding('tcp_wrap').TCP.prototype, 'readStop', { value: undefined });")}`;
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const child = spawn(process.execPath, ['--no-deprecation', '--import', hideReadStop, path.join(root, 'dist', 'cluster.js')], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', PARLEY_WORKERS: '1', PARLEY_DATABASE_URL: `sqlite:${path.join(tempDir(), 'parley.db')}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  assert.equal(code, 1, 'the primary exits with an error');
  assert.match(output, /could not start.*readStop|readStop.*could not start/);
  assert.doesNotMatch(output, /"msg":"listening"/);
});
