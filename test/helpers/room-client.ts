import { randomUUID } from 'node:crypto';
import type { Ack } from '../../src/shared/errors.js';
import type { AnswerOf, Calls, PublicUser, RoomEvent, RoomSummary, SentMessage } from '../../src/shared/events.js';
import { connected, eventually, newBrowser, openSocket, type ChatSocket } from './clients.js';

export { newBrowser };

export interface TabOptions {
  /** The browser session cookie; tabs sharing it are one user. */
  readonly browser: string;
  /** `auth.rooms`: { [roomId]: lastOffsetSeen }. @default {} */
  readonly rooms?: Record<string, number>;
  readonly transports?: ('polling' | 'websocket')[];
  /** Resend unacknowledged events after a short timeout (socket.io-client `retries`), as a real client would. */
  readonly retries?: boolean;
}

/** Client calls of the contract (src/shared/protocol/), with the type their acknowledgement carries. */
export type RoomCalls = { [Event in keyof Calls]: AnswerOf<Event> };

/**
 * One browser tab speaking the room protocol. Records everything the server pushes, and
 * keeps `auth.rooms` up to date the way a client should: the highest offset seen per
 * room, from `room:event`s and its own acknowledgements.
 */
export class Tab {
  readonly socket: ChatSocket;
  readonly events: RoomEvent[] = [];
  /** The socket id each of `events` arrived on. */
  readonly eventSockets: string[] = [];
  readonly added: RoomSummary[] = [];
  readonly removed: number[] = [];
  readonly reads: RoomSummary[] = [];
  readonly tutorialMessages: { text: string; serverOffset: number }[] = [];
  readonly rooms: Record<string, number>;
  private readonly retries: boolean;

  constructor(url: string, options: TabOptions) {
    this.rooms = { ...(options.rooms ?? {}) };
    this.retries = options.retries ?? false;
    this.socket = openSocket(url, {
      auth: { rooms: this.rooms },
      browser: options.browser,
      transports: options.transports ?? ['websocket'],
      more: this.retries ? { ackTimeout: 3000, retries: 10 } : {},
    });
    this.socket.on('room:event', (event) => {
      this.events.push(event);
      this.eventSockets.push(this.socket.id ?? '');
      this.saw(event.roomId, event.offset);
    });
    this.socket.on('room:added', (room) => this.added.push(room));
    this.socket.on('room:removed', (roomId) => this.removed.push(roomId));
    this.socket.on('room:read', (room) => this.reads.push(room));
    this.socket.on('chat message', (text, serverOffset) => this.tutorialMessages.push({ text, serverOffset }));
  }

  static async open(url: string, options: TabOptions): Promise<Tab> {
    const tab = new Tab(url, options);
    await connected(tab.socket);
    return tab;
  }

  /** Sends a room-protocol event and resolves with its acknowledgement. */
  async call<Event extends keyof RoomCalls>(event: Event, payload: unknown): Promise<Ack<RoomCalls[Event]>> {
    // With `retries`, socket.io-client resends until acknowledged; without, give up after 15 s.
    const target = this.retries ? this.socket : this.socket.timeout(15_000);
    const emit = target.emitWithAck as unknown as (event: string, payload: unknown) => Promise<Ack<RoomCalls[Event]>>;
    const ack = await emit.call(target, event, payload);
    this.track(event, payload, ack);
    return ack;
  }

  /** Like `call`, but fails the test unless the acknowledgement is a success. */
  async must<Event extends keyof RoomCalls>(event: Event, payload: unknown): Promise<RoomCalls[Event]> {
    const ack = await this.call(event, payload);
    if (!ack.ok) throw new Error(`${event} refused: ${ack.error} ${ack.message}`);
    return ack.data;
  }

  /** Sends a message; counts its acknowledged offset as seen. */
  async send(roomId: number, text: string, clientId: string = randomUUID()): Promise<SentMessage> {
    const sent = await this.must('message:send', { roomId, text, clientId });
    this.saw(roomId, sent.serverOffset);
    return sent;
  }

  /** Sends a reply in the thread of message `replyTo`; counts its acknowledged offset as seen. */
  async reply(roomId: number, replyTo: number, text: string, clientId: string = randomUUID()): Promise<SentMessage> {
    const sent = await this.must('message:send', { roomId, text, clientId, replyTo });
    this.saw(roomId, sent.serverOffset);
    return sent;
  }

  /** Who this tab is, as others see it: the author of a message it writes in a room of its own. */
  async whoAmI(): Promise<PublicUser> {
    const room = await this.must('room:create', { name: `me-${randomUUID()}` });
    await this.send(room.id, 'who am I');
    const [event] = await this.must('history:before', { roomId: room.id });
    if (!event) throw new Error('no event in a room just written to');
    return event.author;
  }

  /** The events of one room this tab received, in order. */
  eventsOf(roomId: number): RoomEvent[] {
    return this.events.filter((event) => event.roomId === roomId);
  }

  async waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    await eventually(condition, what, timeoutMs);
  }

  close(): void {
    this.socket.close();
  }

  /** A client lists every room it follows in `auth.rooms`, so a reconnect follows it again. */
  private track(event: keyof RoomCalls, payload: unknown, ack: Ack<unknown>): void {
    if (!ack.ok) return;
    if (event === 'room:join' || event === 'room:create' || event === 'dm:open') {
      const { id } = ack.data as RoomSummary;
      const after = event === 'room:join' ? ((payload as { after?: number }).after ?? 0) : 0;
      this.rooms[String(id)] = Math.max(this.rooms[String(id)] ?? 0, after);
    }
    if (event === 'room:leave') delete this.rooms[String((payload as { roomId: number }).roomId)];
  }

  private saw(roomId: number, offset: number): void {
    this.rooms[String(roomId)] = Math.max(this.rooms[String(roomId)] ?? 0, offset);
  }
}
