import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { startServer } from '../helpers/server.js';

/** One HTTP request over a shared keep-alive agent; resolves with status and body. */
function request(agent: http.Agent, url: string, method = 'GET', body?: string): Promise<{ status: number; body: string; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { agent, method, headers: body ? { 'content-type': 'text/plain;charset=UTF-8' } : {} }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, connection: res.headers.connection }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('long-polling sessions on different workers never share a kept-alive connection', async (t) => {
  const server = await startServer({ workers: 2 });
  t.after(() => server.stop());
  // One connection at most: a client that reuses it for every session, as a browser may.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => agent.destroy());

  const sessions: string[] = [];
  for (let i = 0; i < 6; i++) {
    const handshake = await request(agent, `${server.url}/socket.io/?EIO=4&transport=polling`);
    assert.equal(handshake.status, 200);
    assert.equal(handshake.connection, 'close', 'the worker closes the connection after one request');
    sessions.push((JSON.parse(handshake.body.slice(1)) as { sid: string }).sid);
  }
  assert.ok(new Set(sessions.map((sid) => sid.split('.')[0])).size === 2, 'sessions live on both workers');

  // Interleave the sessions' requests: each must reach the worker holding its session.
  for (const sid of [...sessions, ...sessions.reverse()]) {
    const connect = await request(agent, `${server.url}/socket.io/?EIO=4&transport=polling&sid=${sid}`, 'POST', '40');
    assert.equal(connect.status, 200, `session ${sid} found`);
  }
});
