import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Ack } from '../../src/shared/errors.js';
import type { RoomEvent, SentMessage } from '../../src/shared/events.js';
import type { Tab } from './room-client.js';
import { connected, eventually, newBrowser, tutorialClient, type ChatSocket, type Delivery } from './clients.js';
import { quietFor } from './waits.js';

// The delivery checkers: what exactly-once, in-order delivery promises, checked the same way
// for the tutorial's protocol (DeliveryChecker) and the room protocol (RoomChecker).

/** Asserts that a history's offsets are 1..N: none missing, none twice, in order. */
function assertNumberedFromOne(offsets: readonly number[], message: string): void {
  assert.deepEqual(offsets, Array.from({ length: offsets.length }, (_, i) => i + 1), message);
}

/**
 * Asserts that every acknowledged send is stored exactly once, at the offset its
 * acknowledgement names. `stored` holds each stored message's key (its text, or its
 * clientId) in offset order; `messages` words the two failures.
 */
function assertAckedStoredOnce(
  stored: readonly (string | undefined)[],
  acked: readonly { key: string; offset: number }[],
  messages: (key: string, offset: number) => { once: string; named: string },
): void {
  const counts = new Map<string, number>();
  for (const key of stored) if (key !== undefined) counts.set(key, (counts.get(key) ?? 0) + 1);
  for (const { key, offset } of acked) {
    const { once, named } = messages(key, offset);
    assert.equal(counts.get(key), 1, once);
    assert.equal(stored[offset - 1], key, named);
  }
}

/**
 * Waits until `done` (every reader has everything), failing with `what` and `lacking()`
 * after `settleMs`, then gives a late duplicate `quietMs` to arrive before the per-reader
 * assertions.
 */
async function allDelivered(done: () => boolean, what: string, settleMs: number, lacking: () => string, quietMs: number): Promise<void> {
  await eventually(done, what, settleMs).catch((error: unknown) => {
    throw new Error(`${String(error)}${lacking()}`);
  });
  await quietFor(quietMs, 'a late duplicate');
}

/** One send as the checker recorded it. */
export interface SendRecord {
  readonly clientIndex: number;
  readonly text: string;
  readonly clientOffset: string;
  ack?: Ack<SentMessage>;
  ackError?: string;
}

export interface CheckerClient {
  readonly index: number;
  readonly socket: ChatSocket & { deliveries: Delivery[] };
  /** Sends made by this client, in order. */
  readonly sends: SendRecord[];
}

export interface CheckerOptions {
  readonly clients: number;
  readonly transports?: (index: number) => ('polling' | 'websocket')[];
  /** The URL serves a self-signed certificate (nginx of the test's own). */
  readonly selfSigned?: boolean;
}

/**
 * Records every send and every delivery of many tutorial-protocol clients and checks the
 * delivery properties a database would promise:
 * - every acknowledged message is in the history exactly once (not lost, not duplicated);
 * - every client received the history exactly once, in offset order, with no gap.
 *
 * Each client carries a browser-like session cookie, as the tutorial's page does in a
 * browser, and makes its offsets exactly like the tutorial page: `${socket.id}-${n}`
 * (`undefined-n` while disconnected).
 */
export class DeliveryChecker {
  readonly clients: CheckerClient[] = [];
  private counter = 0;

  /** `url`: one server, or several (client i connects to `url[i % url.length]`, e.g. one per node). */
  constructor(
    private readonly url: string | readonly string[],
    private readonly options: CheckerOptions,
  ) {}

  async connectAll(): Promise<void> {
    const urls = typeof this.url === 'string' ? [this.url] : this.url;
    for (let index = 0; index < this.options.clients; index++) {
      const socket = tutorialClient(urls[index % urls.length] ?? '', {
        transports: this.options.transports?.(index) ?? ['websocket'],
        extraHeaders: { cookie: `parley_session=${newBrowser()}` },
        selfSigned: this.options.selfSigned,
      });
      this.clients.push({ index, socket, sends: [] });
    }
    await Promise.all(this.clients.map((client) => connected(client.socket)));
  }

  /** Sends one message from `client` the way the tutorial page does; resolves on ack or give-up. */
  send(client: CheckerClient): Promise<void> {
    const clientOffset = `${client.socket.id}-${this.counter++}`;
    const record: SendRecord = { clientIndex: client.index, text: `m${client.index}.${client.sends.length}.${randomBytes(3).toString('hex')}`, clientOffset };
    client.sends.push(record);
    return client.socket
      .emitWithAck('chat message', record.text, clientOffset)
      .then((ack: Ack<SentMessage>) => {
        record.ack = ack;
      })
      .catch((error: unknown) => {
        record.ackError = String(error);
      });
  }

  /** All sends that got a successful acknowledgement. */
  acknowledged(): SendRecord[] {
    return this.clients.flatMap((client) => client.sends.filter((send) => send.ack?.ok === true));
  }

  /**
   * Waits until every client has received `head` messages, then asserts the properties
   * against `history` (the full history, read by a fresh client from offset 0).
   */
  async verify(history: Delivery[], settleMs = 20_000): Promise<void> {
    const head = history.length;
    assertNumberedFromOne(
      history.map((delivery) => delivery.serverOffset),
      'history offsets are 1..N without gap or repeat',
    );
    const acked = this.acknowledged().flatMap((send) => (send.ack?.ok ? [{ key: send.text, offset: send.ack.data.serverOffset }] : []));
    assertAckedStoredOnce(
      history.map((delivery) => delivery.text),
      acked,
      (text, offset) => ({ once: `acknowledged message ${text} stored exactly once`, named: `ack offset ${offset} names the message ${text}` }),
    );
    const texts = new Map<string, number>();
    for (const delivery of history) texts.set(delivery.text, (texts.get(delivery.text) ?? 0) + 1);
    for (const [text, count] of texts) assert.equal(count, 1, `message ${text} stored once`);

    await allDelivered(
      () => this.clients.every((client) => client.socket.deliveries.length >= head),
      `every client receives all ${head} messages`,
      settleMs,
      () => `; behind: ${this.clients.filter((client) => client.socket.deliveries.length < head).map((c) => `${c.index}:${c.socket.deliveries.length}`).join(',')}`,
      200,
    );
    for (const client of this.clients) {
      assert.deepEqual(
        client.socket.deliveries.map((delivery) => delivery.serverOffset),
        history.map((delivery) => delivery.serverOffset),
        `client ${client.index} received every message once, in order`,
      );
      assert.deepEqual(
        client.socket.deliveries.map((delivery) => delivery.text),
        history.map((delivery) => delivery.text),
        `client ${client.index} received the stored texts`,
      );
    }
  }

  closeAll(): void {
    for (const client of this.clients) client.socket.close();
  }
}

/** Reads the whole history of the default room with a fresh client from offset 0. */
export async function readHistory(url: string, expectedAtLeast: number, selfSigned = false): Promise<Delivery[]> {
  const reader = tutorialClient(url, { transports: ['websocket'], selfSigned });
  try {
    await connected(reader);
    await eventually(() => reader.deliveries.length >= expectedAtLeast, `history has ${expectedAtLeast} messages`, 20_000);
    await quietFor(300, 'a message beyond the history expected, or a duplicate');
    return [...reader.deliveries];
  } finally {
    reader.close();
  }
}

/** One message:send as the checker recorded it. */
interface RoomSend {
  readonly roomId: number;
  readonly clientId: string;
  readonly text: string;
  ack?: SentMessage;
  /** The socket the acknowledgement arrived on: the one that stored it, if not a duplicate. */
  ackSocket?: string;
  error?: string;
}

/**
 * Records the sends of many room-protocol tabs and checks, per tab and per room it follows
 * from offset 0, what exactly-once delivery promises in the room protocol:
 * - every acknowledged message is in the room's history exactly once;
 * - the tab's `room:event`s come in strictly increasing offset order: nothing twice, none
 *   out of order, across its reconnects;
 * - those events plus its own acknowledged sends cover the whole history: nothing lost;
 * - no event comes back to the connection that stored it (no echo).
 */
export class RoomChecker {
  private readonly sends = new Map<Tab, RoomSend[]>();

  /** Sends one message from `tab` to `roomId`; resolves when acknowledged or given up. */
  async send(tab: Tab, roomId: number): Promise<void> {
    const record: RoomSend = { roomId, clientId: randomUUID(), text: `${randomUUID().slice(0, 8)}` };
    const list = this.sends.get(tab) ?? [];
    list.push(record);
    this.sends.set(tab, list);
    try {
      const ack = await tab.call('message:send', { roomId, text: record.text, clientId: record.clientId });
      if (ack.ok) {
        record.ack = ack.data;
        record.ackSocket = tab.socket.id;
        tab.rooms[String(roomId)] = Math.max(tab.rooms[String(roomId)] ?? 0, ack.data.serverOffset);
      } else {
        record.error = `${ack.error}: ${ack.message}`;
      }
    } catch (error) {
      record.error = String(error);
    }
  }

  /** The failures of sends that were answered with an error or given up. */
  refused(): string[] {
    return [...this.sends.values()].flat().flatMap((send) => (send.error === undefined ? [] : [send.error]));
  }

  acknowledged(): RoomSend[] {
    return [...this.sends.values()].flat().filter((send) => send.ack !== undefined);
  }

  /**
   * Checks the properties above for `tabs` in `rooms` against `histories` (each room's
   * full history, read after the traffic), waiting up to `settleMs` for deliveries.
   */
  async verify(tabs: readonly Tab[], rooms: ReadonlyMap<number, readonly Tab[]>, histories: ReadonlyMap<number, RoomEvent[]>, settleMs = 20_000): Promise<void> {
    for (const [roomId, history] of histories) {
      assertNumberedFromOne(
        history.map((event) => event.offset),
        `room ${roomId}: history offsets are 1..N`,
      );
      const acked = this.acknowledged().flatMap((send) => (send.roomId === roomId ? [{ key: send.clientId, offset: send.ack?.serverOffset ?? 0 }] : []));
      assertAckedStoredOnce(
        history.map((event) => event.clientId),
        acked,
        (clientId) => ({ once: `room ${roomId}: acknowledged ${clientId} stored exactly once`, named: 'the ack names its offset' }),
      );
    }
    const covered = (tab: Tab, roomId: number): Set<number> =>
      new Set([
        ...tab.eventsOf(roomId).map((event) => event.offset),
        ...(this.sends.get(tab) ?? []).filter((send) => send.roomId === roomId && send.ack).map((send) => send.ack?.serverOffset ?? 0),
      ]);
    await allDelivered(
      () => [...rooms].every(([roomId, followers]) => followers.every((tab) => covered(tab, roomId).size >= (histories.get(roomId)?.length ?? 0))),
      'every tab has every event of its rooms',
      settleMs,
      () =>
        `: ${[...rooms]
          .flatMap(([roomId, followers]) =>
            followers.flatMap((tab) => {
              const have = covered(tab, roomId);
              const lacking = (histories.get(roomId) ?? []).map((event) => event.offset).filter((offset) => !have.has(offset));
              return lacking.length > 0 ? [`tab ${tabs.indexOf(tab)} room ${roomId} lacks ${lacking.slice(0, 10).join(',')}`] : [];
            }),
          )
          .join('; ')}`,
      300,
    );
    for (const [roomId, followers] of rooms) {
      const head = histories.get(roomId)?.length ?? 0;
      for (const tab of followers) {
        const name = `tab ${tabs.indexOf(tab)} in room ${roomId}`;
        const offsets = tab.eventsOf(roomId).map((event) => event.offset);
        offsets.forEach((offset, index) => {
          if (index > 0) assert.ok(offset > (offsets[index - 1] ?? 0), `${name}: ${offset} after ${offsets[index - 1]}: in order, never twice`);
        });
        assert.deepEqual([...covered(tab, roomId)].sort((a, b) => a - b), Array.from({ length: head }, (_, i) => i + 1), `${name}: nothing lost`);
        for (const send of this.sends.get(tab) ?? []) {
          if (send.roomId !== roomId || !send.ack || send.ack.duplicate) continue;
          const echoed = tab.events.some((event, index) => event.clientId === send.clientId && tab.eventSockets[index] === send.ackSocket);
          assert.ok(!echoed, `${name}: ${send.clientId} echoed to the connection that sent it`);
        }
      }
    }
  }
}

/** A room's whole history, oldest first, read page by page with history:before. */
export async function readRoom(reader: Tab, roomId: number): Promise<RoomEvent[]> {
  const pages: RoomEvent[][] = [];
  let before: number | undefined;
  for (let guard = 0; guard < 10_000; guard++) {
    const page = await reader.must('history:before', before === undefined ? { roomId, limit: 200 } : { roomId, before, limit: 200 });
    if (page.length === 0) break;
    pages.unshift(page);
    before = page[0]?.offset;
    if (before === 1) break;
  }
  return pages.flat();
}
