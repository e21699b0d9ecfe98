import type { Ack } from '../../src/shared/errors.js';
import type { SentMessage } from '../../src/shared/events.js';
import type { MessageList } from '../shared/message-list.js';
import { newClientOffset, outboxStorage, type Unacknowledged } from '../shared/outbox-storage.js';

/** How the conversation reaches the server; tutorial-mode.ts implements it with the Socket.IO client. */
export interface ChatTransport {
  /**
   * Sends one message and resolves with its acknowledgement. Rejects when the transport
   * gave up (Socket.IO's retries all timed out or were cut by disconnects).
   */
  send(text: string, clientOffset: string): Promise<unknown>;
  /** Resolves once connected (at once if connected now). */
  connected(): Promise<void>;
}

/** A message of this page from the moment it is typed until its acknowledgement. */
interface Outgoing extends Unacknowledged {
  /** What shows it: at the bottom while pending, at its offset once placed. */
  readonly item: HTMLLIElement;
  /** Emitted at least once, so its echo may arrive. */
  sent: boolean;
  /** The offset whose echo this message took over while waiting for its acknowledgement. */
  echoOffset: number | undefined;
}

/** Waits between attempts that the server asked to slow down or that the transport gave up on. */
const RETRY_DELAY_MS = 1000;

/** Errors after which sending the same message again may succeed. */
const RETRYABLE = new Set(['RATE_LIMITED', 'UNAVAILABLE', 'INTERNAL']);

/**
 * The room as this page sees it: merges the server's stream of `chat message` events with
 * this page's own messages and their acknowledgements, so that each message shows exactly
 * once, in offset order, with this page's unconfirmed messages at the bottom.
 *
 * The server echoes a message to its sender before acknowledging it. The echo carries no
 * client offset, so an echo whose text equals the oldest sent, unconfirmed message takes
 * that message's item (still marked pending); the acknowledgement then confirms it. Should
 * someone else have sent the same text at that moment, the acknowledgement's offset
 * differs: the item then simply stands for the other, identical message, and this page's
 * message is shown at the offset the acknowledgement gives.
 */
export class Conversation {
  /** The highest offset of the server's stream seen; a reconnect resumes after it. */
  private lastReceived = 0;
  /** Typed, not yet acknowledged, in the order typed; sent one at a time from the front. */
  private readonly outbox: Outgoing[] = [];
  private sending = false;

  constructor(
    private readonly list: MessageList,
    private readonly transport: ChatTransport,
    private readonly events: {
      /** The stream reached `offset`; the next handshake should ask for what follows it. */
      readonly onProgress: (offset: number) => void;
      /** The number of messages waiting for their acknowledgement changed. */
      readonly onWaitingChange: (waiting: number) => void;
    },
  ) {}

  /** Shows and sends again the messages a previous load of this tab left unacknowledged. */
  restore(): void {
    for (const message of outboxStorage.load()) this.enqueue(message);
  }

  /** Shows `text` as pending at once and sends it as soon as the connection allows. */
  send(text: string): void {
    this.enqueue({ clientOffset: newClientOffset(), text });
  }

  /** A `chat message` event from the server: the room's message at `offset`. */
  received(text: string, offset: number): void {
    // Connection state recovery and catch-up may both replay a message already shown.
    if (!Number.isSafeInteger(offset) || offset <= this.lastReceived) return;
    this.lastReceived = offset;
    this.events.onProgress(offset);
    if (this.list.at(offset)) return; // its acknowledgement came first and placed it
    const own = this.outbox.find((message) => message.sent && message.echoOffset === undefined && message.text === text);
    if (!own) {
      this.list.addDelivered(text, offset);
      return;
    }
    own.echoOffset = offset;
    this.list.place(own.item, offset);
  }

  private enqueue(message: Unacknowledged): void {
    const item = this.list.addPending(message.text);
    this.outbox.push({ ...message, item, sent: false, echoOffset: undefined });
    this.outboxChanged();
    void this.sendAll();
  }

  /** Sends the outbox in order, one message at a time, so the room gets them in the order typed. */
  private async sendAll(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      for (let next = this.outbox[0]; next; next = this.outbox[0]) await this.deliver(next);
    } finally {
      this.sending = false;
    }
  }

  /** Sends `message` until the server answers it with a result that retrying cannot change. */
  private async deliver(message: Outgoing): Promise<void> {
    for (;;) {
      message.sent = true;
      let answer: unknown;
      try {
        answer = await this.transport.send(message.text, message.clientOffset);
      } catch {
        // Every attempt timed out or was cut off. The message may be stored already; its
        // unchanged clientOffset makes the server acknowledge a repeat without storing it.
        if (message.echoOffset === undefined) this.list.setState(message.item, 'pending', 'Still trying…');
        await this.transport.connected();
        await delay(RETRY_DELAY_MS);
        continue;
      }
      const result = readAnswer(answer);
      if (!result.ok && result.error === 'RATE_LIMITED') {
        if (message.echoOffset === undefined) this.list.setState(message.item, 'pending', 'Waiting: too many messages…');
        await delay(RETRY_DELAY_MS);
        continue;
      }
      this.outbox.shift();
      this.outboxChanged();
      if (result.ok) this.confirm(message, result.serverOffset);
      else this.refuse(message, result);
      return;
    }
  }

  /** The server stored `message` at `offset`: show it there, once, as this page's. */
  private confirm(message: Outgoing, offset: number): void {
    let item: HTMLLIElement | undefined = message.item;
    if (message.echoOffset !== undefined && message.echoOffset !== offset) {
      // It took over the echo of someone else's identical text: that item is theirs.
      this.list.setOwn(message.item, false);
      this.list.setState(message.item, 'delivered');
      item = undefined;
    }
    const shown = this.list.at(offset);
    if (shown && shown !== item) {
      if (item) this.list.remove(item);
      item = shown;
    } else if (!item) {
      item = this.list.addDelivered(message.text, offset);
    } else {
      this.list.place(item, offset);
    }
    this.list.setOwn(item, true);
    this.list.setState(item, 'delivered');
  }

  /** The server refused `message`: say why, and offer to send it again if that may help. */
  private refuse(message: Outgoing, result: { error: string; message: string }): void {
    let item = message.item;
    if (message.echoOffset !== undefined) {
      this.list.setOwn(item, false);
      this.list.setState(item, 'delivered');
      item = this.list.addPending(message.text);
    }
    const dismiss = { label: 'Dismiss', run: () => this.list.remove(item) };
    const retry = {
      label: 'Retry',
      run: () => {
        this.list.remove(item);
        this.enqueue({ clientOffset: message.clientOffset, text: message.text });
      },
    };
    this.list.setState(item, 'failed', `Not sent: ${result.message}`, RETRYABLE.has(result.error) ? [retry, dismiss] : [dismiss]);
  }

  private outboxChanged(): void {
    outboxStorage.save(this.outbox);
    this.events.onWaitingChange(this.outbox.length);
  }
}

/** An acknowledgement, checked: the server's result, or a refusal with a reason. */
type Answer = { ok: true; serverOffset: number } | { ok: false; error: string; message: string };

/**
 * Reads an acknowledgement (`Ack<SentMessage>` from src/shared/errors.ts). Anything else
 * counts as an internal error rather than a success, so a message is never shown as
 * delivered without an offset.
 */
function readAnswer(answer: unknown): Answer {
  const ack = answer as Partial<Ack<Partial<SentMessage>>> | null | undefined;
  if (ack?.ok === true && Number.isSafeInteger(ack.data?.serverOffset)) return { ok: true, serverOffset: Number(ack.data?.serverOffset) };
  if (ack?.ok === false && typeof ack.error === 'string' && typeof ack.message === 'string') return { ok: false, error: ack.error, message: ack.message };
  return { ok: false, error: 'INTERNAL', message: 'the server sent an unexpected acknowledgement' };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
