import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Ack } from '../../src/shared/errors.js';
import type { SentMessage } from '../../src/shared/events.js';
import { connected, eventually, tutorialClient, type ChatSocket, type Delivery } from './clients.js';
import { signedSessionId } from './session-cookies.js';
import { quietFor } from './waits.js';

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
        extraHeaders: { cookie: `parley_session=${signedSessionId()}` },
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
    assert.deepEqual(
      history.map((delivery) => delivery.serverOffset),
      Array.from({ length: head }, (_, i) => i + 1),
      'history offsets are 1..N without gap or repeat',
    );
    const texts = new Map<string, number>();
    for (const delivery of history) texts.set(delivery.text, (texts.get(delivery.text) ?? 0) + 1);
    for (const send of this.acknowledged()) {
      assert.equal(texts.get(send.text), 1, `acknowledged message ${send.text} stored exactly once`);
      if (send.ack?.ok) {
        const stored = history[send.ack.data.serverOffset - 1];
        assert.equal(stored?.text, send.text, `ack offset ${send.ack.data.serverOffset} names the message ${send.text}`);
      }
    }
    for (const [text, count] of texts) assert.equal(count, 1, `message ${text} stored once`);

    await eventually(
      () => this.clients.every((client) => client.socket.deliveries.length >= head),
      `every client receives all ${head} messages`,
      settleMs,
    ).catch((error: unknown) => {
      const behind = this.clients.filter((client) => client.socket.deliveries.length < head);
      throw new Error(`${String(error)}; behind: ${behind.map((c) => `${c.index}:${c.socket.deliveries.length}`).join(',')}`);
    });
    // A short grace period so a late duplicate would be seen.
    await quietFor(200, 'a late duplicate');
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
