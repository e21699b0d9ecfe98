import assert from 'node:assert/strict';
import { io } from 'socket.io-client';
import { after, before, describe, test } from 'node:test';
import { atTurnEnd } from '../../src/delivery/turn-end.js';
import { writeOncePerTurn } from '../../src/delivery/turn-writes.js';
import { encodeEvent, writeEvents } from '../../src/delivery/ws-frames.js';
import type { ParleySocket } from '../../src/types.js';
import { startBareSocketIo, type BareSocketIo } from '../helpers/bare-socketio.js';
import { connected, eventually, tutorialClient } from '../helpers/clients.js';

/** Counts the writes handed to the socket's TCP connection from now on (observed, not replaced). */
function countTcpWrites(socket: ParleySocket): () => number {
  const transport = socket.conn.transport as unknown as { socket?: { _socket?: Record<string, unknown> } };
  const tcp = transport.socket?._socket;
  assert.ok(tcp, 'a WebSocket transport with its TCP socket');
  let writes = 0;
  for (const method of ['_write', '_writev']) {
    const original = tcp[method] as (...args: unknown[]) => unknown;
    tcp[method] = function (this: unknown, ...args: unknown[]) {
      writes++;
      return original.apply(this, args);
    };
  }
  return () => writes;
}

/**
 * What one turn queues for a connection: an emit, the acknowledgement of the client's
 * event, and a pre-encoded event (the live writer's path), in that order.
 */
function answerInOneTurn(server: BareSocketIo): void {
  server.io.on('connection', (socket) => {
    socket.on('chat message', (text: unknown, _offset: unknown, ack?: unknown) => {
      const event = encodeEvent(server.io.encoder, '/', ['chat message', `${String(text)} (framed)`, 3]);
      assert.ok(event);
      socket.emit('chat message', `${String(text)} (emitted)`, 1);
      if (typeof ack === 'function') (ack as (answer: unknown) => void)({ ok: true, serverOffset: 2 });
      writeEvents(socket, [event]);
    });
    // As an append does: the feed writes the message at the turn's end and wakes the
    // acknowledgement, which comes a few microtasks later.
    // Not an event of Parley's protocol: this bare server's own.
    const untyped = socket as unknown as { on(event: string, listener: (text: unknown, ack?: unknown) => void): void };
    untyped.on('fed message', (text, ack) => {
      const event = encodeEvent(server.io.encoder, '/', ['chat message', `${String(text)} (fed)`, 4]);
      assert.ok(event);
      const fed = new Promise<void>((resolve) => {
        atTurnEnd('feeds', () => {
          writeEvents(socket, [event]);
          resolve();
        });
      });
      void (async () => {
        await fed;
        await Promise.resolve();
        await Promise.resolve();
        if (typeof ack === 'function') (ack as (answer: unknown) => void)({ ok: true, serverOffset: 4 });
      })();
    });
  });
}

describe('one write per connection per turn', () => {
  let parley: BareSocketIo;
  let plain: BareSocketIo;
  before(async () => {
    parley = await startBareSocketIo();
    writeOncePerTurn(parley.io);
    answerInOneTurn(parley);
    // The same server without it: shows that the count below can fail.
    plain = await startBareSocketIo();
    answerInOneTurn(plain);
  });
  after(async () => {
    await parley.close();
    await plain.close();
  });

  const exchange = async (server: BareSocketIo, transport: 'websocket' | 'polling', event = 'chat message') => {
    // A plain client (no ackTimeout): its acknowledgement callback gets the answer alone.
    const client = io(server.url, { transports: [transport], forceNew: true });
    try {
      await connected(client);
      const socket = await server.serverSocketOf(client.id);
      const writes = transport === 'websocket' ? countTcpWrites(socket) : () => Number.NaN;
      const seen: string[] = [];
      client.on('chat message', (text: string) => seen.push(text));
      let ack: unknown;
      // A callback, not emitWithAck: it runs as the packet is read, in order with the events.
      const args = event === 'chat message' ? ['hi', 'key-1'] : ['hi'];
      client.emit(event, ...args, (answer: unknown) => {
        ack = answer;
        seen.push('ack');
      });
      await eventually(() => seen.length >= (event === 'chat message' ? 3 : 2), 'every packet');
      await new Promise((resolve) => setTimeout(resolve, 100));
      return { ack, seen, writes: writes() };
    } finally {
      client.close();
    }
  };

  test('an emit, an acknowledgement and pre-encoded frames of one turn leave in one TCP write, in order', async () => {
    const { ack, seen, writes } = await exchange(parley, 'websocket');
    assert.deepEqual(ack, { ok: true, serverOffset: 2 });
    assert.deepEqual(seen, ['hi (emitted)', 'ack', 'hi (framed)']);
    assert.equal(writes, 1);
  });

  test('an acknowledgement that waits for the feeds of its turn leaves with what they wrote', async () => {
    const { ack, seen, writes } = await exchange(parley, 'websocket', 'fed message');
    assert.deepEqual(ack, { ok: true, serverOffset: 4 });
    assert.deepEqual(seen, ['hi (fed)', 'ack']);
    assert.equal(writes, 1);
  });

  test('without it, engine.io writes them one by one (what the test above would see if it broke)', async () => {
    const { seen, writes } = await exchange(plain, 'websocket');
    assert.deepEqual(seen, ['hi (emitted)', 'ack', 'hi (framed)']);
    assert.ok(writes >= 2, `expected several writes, saw ${writes}`);
  });

  test('over long-polling the same packets arrive, in order', async () => {
    const { ack, seen } = await exchange(parley, 'polling');
    assert.deepEqual(ack, { ok: true, serverOffset: 2 });
    assert.deepEqual(seen, ['hi (emitted)', 'ack', 'hi (framed)']);
  });

  test('a connection closed right after its last packets still sends them', async () => {
    const client = tutorialClient(parley.url, { transports: ['websocket'] });
    try {
      await connected(client);
      const socket = await parley.serverSocketOf(client.id);
      const reason = new Promise<string>((resolve) => client.once('disconnect', resolve));
      socket.emit('chat message', 'last words', 9);
      socket.disconnect(true);
      assert.equal(await reason, 'io server disconnect');
      assert.deepEqual(client.deliveries, [{ text: 'last words', serverOffset: 9 }]);
    } finally {
      client.close();
    }
  });
});

describe('the end of a turn', () => {
  test('runs feeds before connections, whatever order they were queued in', async () => {
    const ran: string[] = [];
    await new Promise<void>((resolve) => {
      atTurnEnd('connections', () => {
        ran.push('connection');
        resolve();
      });
      atTurnEnd('feeds', () => ran.push('feed'));
    });
    assert.deepEqual(ran, ['feed', 'connection']);
  });

  test('a task queued for a stage already run waits for the next turn end; one for a later stage runs in this one', async () => {
    const ran: string[] = [];
    await new Promise<void>((resolve) => {
      atTurnEnd('feeds', () => {
        ran.push('feed');
        atTurnEnd('connections', () => ran.push('connection queued by the feed'));
      });
      atTurnEnd('connections', () => {
        ran.push('connection');
        atTurnEnd('feeds', () => {
          ran.push('feed queued by the connection');
          resolve();
        });
        // Microtasks run when this turn end is over, before the next one.
        queueMicrotask(() => ran.push('this turn end is over'));
      });
    });
    assert.deepEqual(ran, ['feed', 'connection', 'connection queued by the feed', 'this turn end is over', 'feed queued by the connection']);
  });
});
