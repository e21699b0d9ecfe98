import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { io } from 'socket.io-client';
import type { Ack } from '../../src/shared/errors.js';
import { ackOf, codeOf } from '../helpers/ack.js';
import { connected, type ChatSocket } from '../helpers/clients.js';
import { startServer, type RunningServer } from '../helpers/server.js';

/** A fresh guest's connection from `localAddress`. */
async function guest(url: string, localAddress: string): Promise<ChatSocket> {
  // engine.io-client hands `localAddress` to ws under Node; its option types do not name it.
  const options = { auth: { serverOffset: 0 }, transports: ['websocket'], forceNew: true, reconnection: false, localAddress };
  const socket = io(url, options) as ChatSocket;
  await connected(socket);
  return socket;
}

const oks = (answers: readonly Ack<unknown>[]): number => answers.map(codeOf).filter((code) => code === 'ok').length;

/**
 * Issue 22, item 10: the dearest reads have prices of their own, per user and per address,
 * so fresh guests from one address buy no more of them than one user does of the reads'.
 */
describe('the prices of searches and room lists', () => {
  let server: RunningServer;
  const sockets: ChatSocket[] = [];
  before(async () => {
    server = await startServer({ workers: 1 });
  });
  after(async () => {
    for (const socket of sockets) socket.close();
    await server.stop();
  });

  test('one user gets at most 30 room lists and 30 searches in 10 s, not the 200 reads of the general read limit', async () => {
    const socket = await guest(server.url, '127.0.0.41');
    sockets.push(socket);
    const lists = await Promise.all(Array.from({ length: 45 }, () => ackOf(socket, 'room:list', {})));
    assert.ok(oks(lists) <= 30 && oks(lists) > 0, `room-list.user: at most 30 per 10 s, got ${oks(lists)}`);
    const searches = await Promise.all(Array.from({ length: 45 }, () => ackOf(socket, 'search:messages', { query: 'hello' })));
    assert.ok(oks(searches) <= 30 && oks(searches) > 0, `search.user: at most 30 per 10 s, got ${oks(searches)}`);
  });

  test('fresh guests from one address share its budgets: at most 60 searches and 150 room lists in 10 s', async () => {
    const guests = await Promise.all(Array.from({ length: 6 }, () => guest(server.url, '127.0.0.42')));
    sockets.push(...guests);
    const searches = await Promise.all(guests.flatMap((socket) => Array.from({ length: 20 }, () => ackOf(socket, 'search:messages', { query: 'hello' }))));
    // Leases of the shared counter taken at once may spend less than the budget, never more.
    assert.ok(oks(searches) <= 60 && oks(searches) > 0, `search.address: at most 60 per 10 s, got ${oks(searches)}`);
    const lists = await Promise.all(guests.flatMap((socket) => Array.from({ length: 30 }, () => ackOf(socket, 'room:list', {}))));
    assert.ok(oks(lists) <= 150 && oks(lists) > 0, `room-list.address: at most 150 per 10 s, got ${oks(lists)}`);
  });
});
