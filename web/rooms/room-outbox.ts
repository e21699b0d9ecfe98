import type { ErrorCode } from '../../src/shared/errors.js';
import type { SentMessage } from '../../src/shared/events.js';
import type { FileInfo } from '../../src/shared/protocol/files.js';
import { newClientOffset } from '../shared/outbox-storage.js';
import type { Outcome } from '../shared/rpc.js';

/** A change this tab asks of a room: a new message, a thread reply, an edit or a deletion of its own, a reaction. */
export interface RoomRequest {
  readonly kind: 'message' | 'reply' | 'edit' | 'delete' | 'react' | 'unreact' | 'pin' | 'unpin';
  readonly roomId: number;
  /** The idempotency key, kept across retries, reconnects and reloads. */
  readonly clientId: string;
  readonly text: string;
  /** Edits, deletions and reactions: the offset of the message they are about; a reply: its thread's root. */
  readonly target?: number;
  /** A reply: shown in the room's log as well. */
  readonly alsoToRoom?: boolean;
  /** The history epoch `target` belongs to: after a restore the server refuses it (EPOCH_CHANGED) rather than change another message. */
  readonly epoch?: string;
  /** A message: the files uploaded for it (sent as their ids). */
  readonly attachments?: readonly FileInfo[];
}

/** How the outbox reaches the server and shows progress; room-writer.ts implements it. */
export interface OutboxHooks {
  /** Sends one request; resolves with its acknowledgement or NO_ANSWER, never rejects. */
  send(request: RoomRequest): Promise<Outcome<SentMessage>>;
  /** Resolves once connected (at once if connected now). */
  connected(): Promise<void>;
  /** The request is waiting again: `why` says for what. */
  waiting(request: RoomRequest, why: string): void;
  /** Stored at `offset`. */
  stored(request: RoomRequest, offset: number): void;
  /** Refused for good, or until the person retries (`retry` is set when that may help). */
  refused(request: RoomRequest, reason: string, retry: (() => void) | undefined): void;
  /** How many requests wait for their acknowledgement. */
  waitingCount(count: number): void;
}

const STORAGE_KEY = 'parley.room-outbox';
const RETRY_DELAY_MS = 1000;
/** Refusals after which the same request may succeed later: the person may retry them. */
const RETRYABLE = new Set<string>(['RATE_LIMITED', 'UNAVAILABLE', 'INTERNAL']);
/** Refusals that waiting fixes by itself: retried without asking. */
const WAIT_AND_RETRY = new Set<string>(['RATE_LIMITED', 'UNAVAILABLE', 'NO_ANSWER']);

/**
 * This tab's requests to rooms, sent one at a time in the order made (so a room gets a
 * person's messages in the order typed), each until the server answers it with a result
 * that retrying cannot change. Kept in sessionStorage, so a reload sends the unanswered
 * ones again; the unchanged `clientId` makes the server store each once.
 */
export class RoomOutbox {
  private readonly queue: RoomRequest[] = [];
  private sending = false;

  constructor(private readonly hooks: OutboxHooks) {}

  /** The requests a previous load of this tab left unanswered. */
  static restore(): RoomRequest[] {
    try {
      const parsed: unknown = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? '[]');
      return Array.isArray(parsed) ? parsed.filter(isRoomRequest) : [];
    } catch {
      return [];
    }
  }

  /** A new request with a fresh idempotency key. */
  static create(
    kind: RoomRequest['kind'],
    roomId: number,
    text: string,
    target?: number,
    epoch?: string,
    alsoToRoom = false,
    attachments: readonly FileInfo[] = [],
  ): RoomRequest {
    return {
      kind,
      roomId,
      clientId: newClientOffset(),
      text,
      ...(target === undefined ? {} : { target }),
      ...(epoch === undefined ? {} : { epoch }),
      ...(alsoToRoom ? { alsoToRoom } : {}),
      ...(attachments.length > 0 ? { attachments } : {}),
    };
  }

  /** The requests not answered yet, in the order they go. */
  pending(): readonly RoomRequest[] {
    return this.queue;
  }

  add(request: RoomRequest): void {
    this.queue.push(request);
    this.changed();
    void this.sendAll();
  }

  private async sendAll(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      for (let next = this.queue[0]; next; next = this.queue[0]) {
        await this.deliver(next);
        this.queue.shift();
        this.changed();
      }
    } finally {
      this.sending = false;
    }
  }

  private async deliver(request: RoomRequest): Promise<void> {
    for (;;) {
      const answer = await this.hooks.send(request);
      if (answer.ok) {
        this.hooks.stored(request, answer.data.serverOffset);
        return;
      }
      if (WAIT_AND_RETRY.has(answer.error)) {
        this.hooks.waiting(request, answer.error === 'NO_ANSWER' ? 'Still trying…' : 'Waiting: the server asked to slow down…');
        await this.hooks.connected();
        await delay(RETRY_DELAY_MS);
        continue;
      }
      const retry = RETRYABLE.has(answer.error satisfies ErrorCode | 'NO_ANSWER') ? () => this.add(request) : undefined;
      this.hooks.refused(request, answer.message, retry);
      return;
    }
  }

  private changed(): void {
    try {
      if (this.queue.length === 0) sessionStorage.removeItem(STORAGE_KEY);
      else sessionStorage.setItem(STORAGE_KEY, JSON.stringify(this.queue));
    } catch {
      // Storage refused: the requests are still sent from memory.
    }
    this.hooks.waitingCount(this.queue.length);
  }
}

function isRoomRequest(value: unknown): value is RoomRequest {
  if (typeof value !== 'object' || value === null) return false;
  const { kind, roomId, clientId, text, target, epoch, alsoToRoom, attachments } = value as Record<string, unknown>;
  return (
    (kind === 'message' || kind === 'reply' || kind === 'edit' || kind === 'delete' || kind === 'react' || kind === 'unreact' || kind === 'pin' || kind === 'unpin') &&
    Number.isSafeInteger(roomId) &&
    typeof clientId === 'string' &&
    clientId.length > 0 &&
    typeof text === 'string' &&
    (target === undefined || Number.isSafeInteger(target)) &&
    (epoch === undefined || typeof epoch === 'string') &&
    (alsoToRoom === undefined || typeof alsoToRoom === 'boolean') &&
    (attachments === undefined || (Array.isArray(attachments) && attachments.every((file: unknown) => typeof file === 'object' && file !== null && typeof (file as FileInfo).id === 'string')))
  );
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
