import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { io, type Socket } from 'socket.io-client';
import { eventually, tutorialClient } from '../helpers/clients.js';
import { startReplyGate } from '../helpers/reply-gate.js';
import { startServer } from '../helpers/server.js';
import { letTimePass, pace } from '../helpers/waits.js';


/** What the server acknowledged a `chat message` with. */
interface ChatAck {
  readonly ok: boolean;
  readonly data?: { readonly serverOffset: number; readonly duplicate: boolean };
}

/**
 * A client outside a browser (no cookie, so every connection is a new guest) speaking the
 * tutorial's protocol with the tutorial's retries. Its offsets embed the id it was given:
 * the socket id (`${socket.id}-${n}`, the tutorial's page) or the Engine.IO session id
 * (what a port of the tutorial may take for "the id", e.g. python-socketio's `sio.sid`).
 */
interface Sender {
  readonly name: string;
  readonly socket: Socket;
  readonly emitted: string[];
  readonly acks: Map<string, ChatAck>;
}

function startSender(url: string, name: string, transport: 'polling' | 'websocket'): Sender {
  const socket = io(url, {
    auth: { serverOffset: 0 },
    ackTimeout: 10_000,
    retries: 3,
    transports: [transport],
    forceNew: true,
    reconnectionDelay: 50,
    reconnectionDelayMax: 200,
  });
  return { name, socket, emitted: [], acks: new Map() };
}

/** Sends the sender's next message as the tutorial's page does: no waiting, the offset made now. */
function sendNext(sender: Sender, idOf: (socket: Socket) => string | undefined): void {
  const counter = sender.emitted.length;
  const text = `${sender.name} #${counter}`;
  sender.emitted.push(text);
  sender.socket.emit('chat message', text, `${idOf(sender.socket)}-${counter}`, (error: Error | null, ack: ChatAck) => {
    if (!error) sender.acks.set(text, ack);
  });
}

const socketId = (socket: Socket): string | undefined => socket.id;
const engineId = (socket: Socket): string | undefined => socket.io.engine?.id;

test('kill -9 of the node while acknowledgements are on their way: every retry, under a new guest identity, is stored once', async (t) => {
  const first = await startServer({ workers: 2 });
  t.after(() => first.stop('SIGKILL'));
  const gate = await startReplyGate(first.port);
  t.after(() => gate.close());
  const gateUrl = `http://127.0.0.1:${gate.port}`;

  const styles = [
    { style: 'socket-id', idOf: socketId },
    { style: 'engine-id', idOf: engineId },
  ] as const;
  const senders: { sender: Sender; idOf: (socket: Socket) => string | undefined }[] = [];
  for (const transport of ['websocket', 'polling'] as const) {
    for (const { style, idOf } of styles) {
      for (let copy = 0; copy < 2; copy++) {
        senders.push({ sender: startSender(gateUrl, `${transport}/${style}/${copy}`, transport), idOf });
      }
    }
  }
  t.after(() => senders.forEach(({ sender }) => sender.socket.close()));
  // Reads without the gate: it sees each message as soon as it is stored and broadcast.
  const observer = tutorialClient(first.url, { transports: ['websocket'] });
  t.after(() => observer.close());
  await eventually(() => observer.connected && senders.every(({ sender }) => sender.socket.connected), 'everyone connects');

  let sending = true;
  const traffic = (async () => {
    while (sending) {
      for (const { sender, idOf } of senders) sendNext(sender, idOf);
      await pace(200, 'the next round of sends');
    }
  })();
  await letTimePass(1000, 'traffic runs before the crash');

  // The lost-acknowledgement window, held open: each sender's message in flight is stored
  // (the observer received it) and its acknowledgement never arrives. Then the power cut.
  gate.holdReplies();
  const seen = (text: string): boolean => observer.deliveries.some((delivery) => delivery.text === text);
  const storedUnacknowledged = (sender: Sender): string[] => sender.emitted.filter((text) => !sender.acks.has(text) && seen(text));
  await eventually(() => senders.every(({ sender }) => storedUnacknowledged(sender).length > 0), 'each sender has a stored message whose ack is held', 15_000);
  for (const pid of [first.pid, ...first.workerPids()]) process.kill(pid, 'SIGKILL');
  const heldAtCrash = senders.flatMap(({ sender }) => storedUnacknowledged(sender));
  gate.reset();

  // Same database file, same port: the senders reconnect through the gate as new guests
  // and retry, with the same clientOffset, what was never acknowledged.
  const second = await startServer({ workers: 2, databaseFile: first.databaseFile, env: { PORT: String(first.port) } });
  t.after(() => second.stop('SIGKILL'));
  await eventually(() => senders.every(({ sender }) => sender.socket.connected), 'senders reconnect', 20_000);
  await letTimePass(1000, 'traffic runs after the restart');
  sending = false;
  await traffic;
  await eventually(() => senders.every(({ sender }) => sender.acks.size === sender.emitted.length), 'every message is acknowledged', 30_000);

  const emitted = senders.flatMap(({ sender }) => sender.emitted);
  await eventually(() => emitted.every(seen), 'the observer receives every message', 20_000);
  assert.equal(await second.stop('SIGTERM'), 0);

  const db = new Database(first.databaseFile, { readonly: true });
  t.after(() => db.close());
  const copies = db
    .prepare<[], { content: string; copies: number }>("SELECT content, COUNT(*) AS copies FROM messages WHERE kind = 'message' GROUP BY room_id, content")
    .all();
  const stored = new Map(copies.map((row) => [row.content, row.copies]));
  const repeated = copies.filter((row) => row.copies > 1).map((row) => row.content);
  assert.deepEqual(repeated, [], 'no message is stored twice');
  for (const text of emitted) assert.equal(stored.get(text), 1, `acknowledged and stored once: ${text}`);
  const observed = observer.deliveries.map((delivery) => delivery.text);
  assert.equal(new Set(observed).size, observed.length, 'a live client receives each message once');
  assert.ok(heldAtCrash.length >= senders.length, 'every sender had a message in the lost-acknowledgement window');
  for (const text of heldAtCrash) {
    const ack = senders.map(({ sender }) => sender.acks.get(text)).find((found) => found !== undefined);
    assert.equal(ack?.data?.duplicate, true, `the retry of "${text}", stored before the crash, is acknowledged as a repeat`);
  }
});
