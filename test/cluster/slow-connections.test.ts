import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connected, tutorialClient } from '../helpers/clients.js';
import { dribble, get, openRaw, residentKb, type RawConnection } from '../helpers/raw-connections.js';
import { startServer } from '../helpers/server.js';
import { letTimePass, pace } from '../helpers/waits.js';

const HEAD_TIMEOUT_MS = 2000;
/** How late the server may cut a connection after its deadline (timers, a busy machine). */
const SLACK_MS = 1500;

test('a request line dribbled a byte at a time is cut at the deadline, though bytes keep coming', async (t) => {
  const server = await startServer({ workers: 2, env: { PARLEY_HEAD_TIMEOUT_MS: String(HEAD_TIMEOUT_MS) } });
  t.after(() => server.stop());
  const connection = openRaw(server.port);
  // One byte every 200 ms for up to 6 s, never a newline: an idle timer would never fire.
  await dribble(connection, `GET /healthz?${'a'.repeat(100)}`, 200, Date.now() + 6000);
  assert.notEqual(connection.closedAt, undefined, 'the server closed the connection while bytes were still coming');
  const lifetime = (connection.closedAt ?? Date.now()) - connection.openedAt;
  assert.ok(lifetime < HEAD_TIMEOUT_MS + SLACK_MS, `cut after ${lifetime} ms`);
  assert.equal((await get(`${server.url}/healthz`)).status, 200);
});

test('slow connections from one address are capped and cut; /healthz and chat go on, the primary stays small', async (t) => {
  const server = await startServer({
    workers: 2,
    env: { PARLEY_HEAD_TIMEOUT_MS: String(HEAD_TIMEOUT_MS), PARLEY_MAX_PENDING_PER_ADDRESS: '32' },
  });
  t.after(() => server.stop());
  const alice = tutorialClient(server.url, { transports: ['websocket'] });
  const bob = tutorialClient(server.url, { transports: ['polling'] });
  t.after(() => {
    alice.close();
    bob.close();
  });
  await Promise.all([connected(alice), connected(bob)]);
  const rssBefore = residentKb(server.pid);

  // The attacker, from another loopback address: 300 connections open at all times for 8 s,
  // each sending one byte a second; a closed one is replaced 100 ms later.
  const ATTACKERS = 300;
  const attackEnds = Date.now() + 8000;
  const all: RawConnection[] = [];
  const attacker = async (): Promise<void> => {
    while (Date.now() < attackEnds) {
      const connection = openRaw(server.port, '127.0.0.2');
      all.push(connection);
      await dribble(connection, `GET /?${'x'.repeat(60)}`, 1000, attackEnds);
      connection.socket.destroy();
      await pace(100, 'the attacker opens the next connection');
    }
  };
  const attack = Promise.all(Array.from({ length: ATTACKERS }, attacker));

  // Meanwhile, from 127.0.0.1: the health check answers and a message goes round.
  await letTimePass(1500, 'the attack takes hold');
  const healthDuringAttack = await get(`${server.url}/healthz`);
  const carol = tutorialClient(server.url, { transports: ['polling', 'websocket'] });
  t.after(() => carol.close());
  await connected(carol);
  const delivered = new Promise<string>((resolve) => bob.once('chat message', (text) => resolve(text)));
  const ack = (await alice.timeout(5000).emitWithAck('chat message', 'during the attack', `${alice.id}-1`)) as { ok: boolean };
  assert.equal(await delivered, 'during the attack');
  await attack;
  const rssAfter = residentKb(server.pid);

  assert.equal(healthDuringAttack.status, 200);
  assert.equal(ack.ok, true);
  // Past its cap an address's oldest waiting connection is shed (answered 503) for its newest.
  const shed = all.filter((connection) => connection.received.startsWith('HTTP/1.1 503'));
  const cut = all.filter((connection) => connection.received === '' && connection.closedAt !== undefined && connection.closedAt - connection.openedAt < HEAD_TIMEOUT_MS + SLACK_MS);
  // At most 32 wait at a time, and each is shed or cut within its deadline.
  assert.ok(shed.length >= ATTACKERS - 32, `${shed.length} of ${all.length} shed`);
  assert.ok(cut.length > 0, 'slow connections that were not shed were cut at the deadline');
  const outlived = all.filter((connection) => connection.received === '' && (connection.closedAt ?? attackEnds) - connection.openedAt >= HEAD_TIMEOUT_MS + SLACK_MS);
  assert.deepEqual(outlived.length, 0, 'no slow connection outlived the deadline');
  // Counted, not logged one line each.
  assert.ok(server.logs().length < 60, `${server.logs().length} log lines for ${all.length} connections`);
  const growthMb = (rssAfter - rssBefore) / 1024;
  assert.ok(growthMb < 40, `primary grew by ${growthMb.toFixed(1)} MB`);
  t.diagnostic(`${all.length} attacking connections, ${shed.length} shed, ${cut.length} cut at the deadline; primary RSS ${(rssBefore / 1024).toFixed(1)} -> ${(rssAfter / 1024).toFixed(1)} MB`);
});

test('past the overall cap on pending connections, the oldest of the address holding the most are shed, not the newcomers', async (t) => {
  const server = await startServer({ workers: 2, env: { PARLEY_MAX_PENDING_CONNECTIONS: '40', PARLEY_MAX_PENDING_PER_ADDRESS: '32' } });
  t.after(() => server.stop());
  const open = (address: string): RawConnection[] =>
    Array.from({ length: 30 }, () => {
      const connection = openRaw(server.port, address);
      connection.socket.write('GET');
      return connection;
    });
  const early = open('127.0.0.2');
  await letTimePass(300, 'the early connections are older than the late ones');
  const late = open('127.0.0.3');
  t.after(() => [...early, ...late].forEach((connection) => connection.socket.destroy()));
  await letTimePass(1000, 'the slow connections meet their deadlines');
  const shed = (connections: RawConnection[]): number[] =>
    connections.flatMap((connection, index) => (connection.received.startsWith('HTTP/1.1 503') ? [index] : []));
  const shedEarly = shed(early);
  const shedLate = shed(late);
  assert.equal(shedEarly.length + shedLate.length, 20, '40 wait for their request line, 20 were shed to make room');
  // 127.0.0.2 held 30 of the 40 places when 127.0.0.3 came: it paid until both held about as many.
  assert.ok(shedEarly.length >= 10, `127.0.0.2 lost ${shedEarly.length}`);
  // Each address lost its oldest.
  for (const [lost, name] of [[shedEarly, '127.0.0.2'], [shedLate, '127.0.0.3']] as const) {
    assert.deepEqual(lost, Array.from({ length: lost.length }, (_, index) => index), `${name} lost its oldest`);
  }
  [...early, ...late].forEach((connection) => connection.socket.destroy());
  await letTimePass(200, 'the destroyed connections are gone from the server');
  assert.equal((await get(`${server.url}/healthz`)).status, 200, 'freed places take new connections');
});

test('worker deadlines cut slow headers and bodies but not a long-polling request held open', async (t) => {
  const server = await startServer({ workers: 2, env: { PARLEY_HEADERS_TIMEOUT_MS: '1000', PARLEY_REQUEST_TIMEOUT_MS: '2000' } });
  t.after(() => server.stop());
  const stopAt = Date.now() + 6000;
  // The request line arrives whole (so the primary hands it over); the headers dribble.
  const slowHeaders = openRaw(server.port);
  slowHeaders.socket.write('GET /healthz HTTP/1.1\r\n');
  const slowBody = openRaw(server.port);
  slowBody.socket.write('POST /healthz HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n');
  // A polling client idles longer than the request deadline: its GET is held all that time.
  const polling = tutorialClient(server.url, { transports: ['polling'] });
  t.after(() => polling.close());
  await connected(polling);
  let disconnected = false;
  polling.on('disconnect', () => (disconnected = true));
  await Promise.all([dribble(slowHeaders, `x-slow: ${'a'.repeat(60)}`, 200, stopAt), dribble(slowBody, 'b'.repeat(100), 200, stopAt)]);

  for (const [name, connection, deadline] of [['headers', slowHeaders, 1000], ['body', slowBody, 2000]] as const) {
    assert.notEqual(connection.closedAt, undefined, `slow ${name} cut`);
    const lifetime = (connection.closedAt ?? Date.now()) - connection.openedAt;
    assert.ok(lifetime < deadline + SLACK_MS, `slow ${name} cut after ${lifetime} ms`);
  }
  await letTimePass(Math.max(0, stopAt - Date.now()), 'the attack ends');
  assert.equal(disconnected, false, 'the long-polling client stayed connected');
  const ack = (await polling.timeout(5000).emitWithAck('chat message', 'still here', `${polling.id}-1`)) as { ok: boolean };
  assert.equal(ack.ok, true);
});
