import type { Appends } from '../delivery/append.js';
import { outgoingReplyKey } from '../delivery/idempotency.js';
import type { UnavailableLog } from '../operations/unavailable-log.js';
import type { Logger } from '../log.js';
import { StoreUnavailableError } from '../store/store.js';
import type { StoredMessage } from '../shared/message.js';
import { outgoingUserId, type OutboxDelivery, type OutgoingWebhookRecord } from '../store/outbox.js';
import type { Store } from '../store/store.js';
import type { AddressGuard } from './address-guard.js';
import { outgoingPayload, receiverReply } from './payload.js';
import { signedPost } from './signed-post.js';

export interface DispatcherOptions {
  readonly store: Store;
  readonly appends: Appends;
  readonly guard: AddressGuard;
  readonly log: Logger;
  /** Where a round that found the store away is told, once per outage with the events that were not served (src/operations/unavailable-log.ts). */
  readonly unavailable: UnavailableLog;
  readonly maxAttempts: number;
  readonly backOffMs: number;
  readonly pollMs: number;
  readonly timeoutMs: number;
}

/** The most messages one hook enqueues per round, and deliveries one worker claims per round. */
const BATCH = 100;
const CLAIMS = 20;
/** The longest back-off between two attempts. */
const MAX_BACK_OFF_MS = 3_600_000;

/**
 * Runs in every worker of every node: each round it enqueues the messages stored since each
 * live hook's cursor (the store's compare-and-set makes that once, whoever stored them), then
 * claims due deliveries and POSTs them. A 2xx removes the row (and its `{"text"}` answer is
 * posted as the hook, once per event id); anything else counts a failure, retried after
 * backOffMs × 2^(failures − 1), parked after maxAttempts. A worker killed mid-delivery leaves
 * its lease to run out and another worker sends the row again with the same event id.
 */
export class OutgoingDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private closed = false;
  private failing = false;

  constructor(private readonly options: DispatcherOptions) {}

  start(): void {
    const tick = (): void => {
      if (this.closed) return;
      this.round = this.runRound()
        .then(() => {
          this.failing = false;
          this.options.unavailable.served();
        })
        .catch((error: unknown) => this.failed(error))
        .finally(() => {
          if (!this.closed) this.timer = setTimeout(tick, this.options.pollMs);
        });
    };
    this.timer = setTimeout(tick, this.options.pollMs);
  }

  /**
   * A round failed. Rounds run every pollMs in every worker, so a failure is told once per run
   * of them: a store outage with the events not served for it, anything else as one warning
   * until a round succeeds again.
   */
  private failed(error: unknown): void {
    if (error instanceof StoreUnavailableError) {
      this.options.unavailable.failed(error, { event: 'outgoing-webhooks' });
      return;
    }
    if (this.failing) return;
    this.failing = true;
    this.options.log.warn({ err: error }, 'outgoing webhook rounds failing; retried every round, told again once one fails after a success');
  }

  /** Stops after the round in flight (its deliveries settle, so none waits for its lease). */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.round;
  }

  private async runRound(): Promise<void> {
    const hooks = (await this.options.store.outbox.outgoingWebhooks()).filter((hook) => hook.revokedAt === null);
    if (hooks.length === 0) return;
    for (const hook of hooks) await this.enqueue(hook);
    const byId = new Map(hooks.map((hook) => [hook.id, hook]));
    const leaseMs = this.options.timeoutMs * 2 + 5000;
    const due = await this.options.store.outbox.claim(Date.now(), leaseMs, CLAIMS);
    await Promise.all(due.map((delivery) => this.deliver(delivery, byId.get(delivery.hookId))));
  }

  private async enqueue(hook: OutgoingWebhookRecord): Promise<void> {
    const { store } = this.options;
    const head = await store.roomHead(hook.roomId);
    if (head <= hook.enqueuedThrough) return;
    const events = await store.messagesAfter(hook.roomId, hook.enqueuedThrough, BATCH);
    const last = events.at(-1);
    if (!last) return;
    const offsets = events.filter((event) => triggers(hook, event)).map((event) => event.offset);
    await store.outbox.enqueue(hook.id, hook.enqueuedThrough, last.offset, offsets, Date.now());
  }

  private async deliver(delivery: OutboxDelivery, hook: OutgoingWebhookRecord | undefined): Promise<void> {
    const { store, log } = this.options;
    if (!hook) return;
    try {
      const message = await store.rooms.liveMessage(delivery.roomId, delivery.offset);
      // Deleted before it went out: nothing left to tell.
      if (!message) return await store.outbox.delivered(delivery.id);
      const body = JSON.stringify(outgoingPayload(hook, delivery, message));
      const answer = await signedPost(new URL(hook.url), body, { secret: hook.secret, eventId: delivery.eventId, event: 'message' }, this.options.guard, this.options.timeoutMs);
      if (answer.status < 200 || answer.status > 299) throw new Error(`the receiver answered ${answer.status}`);
      const reply = receiverReply(answer.body);
      if (reply !== undefined) {
        // Keyed by the event id: a redelivery's answer is stored once.
        await this.options.appends.append({
          roomId: hook.roomId,
          kind: 'message',
          text: reply,
          target: null,
          author: hook.name,
          authorId: outgoingUserId(hook.id),
          idempotencyKey: outgoingReplyKey(delivery.eventId),
        });
      }
      await store.outbox.delivered(delivery.id);
    } catch (error) {
      const failures = delivery.attempts + 1;
      const now = Date.now();
      const nextAttemptAt = failures >= this.options.maxAttempts ? null : now + Math.min(this.options.backOffMs * 2 ** (failures - 1), MAX_BACK_OFF_MS);
      const text = error instanceof Error ? error.message : String(error);
      log[nextAttemptAt === null ? 'warn' : 'info']({ hookId: hook.id, eventId: delivery.eventId, failures, error: text }, nextAttemptAt === null ? 'outgoing delivery parked' : 'outgoing delivery failed');
      await store.outbox.failed(delivery.id, { error: text, nextAttemptAt, at: now }).catch((settleError: unknown) => log.warn({ err: settleError }, 'outgoing delivery not settled'));
    }
  }
}

/** A message goes out when it is a message (not an edit, a reaction, a join), not a hook's own reply, and (with trigger words) starts with one. */
function triggers(hook: OutgoingWebhookRecord, event: StoredMessage): boolean {
  if (event.kind !== 'message' || event.authorId?.startsWith('o:')) return false;
  if (hook.triggerWords.length === 0) return true;
  const first = event.text.trimStart().split(/\s/, 1)[0]?.toLowerCase() ?? '';
  return hook.triggerWords.some((word) => word.toLowerCase() === first);
}
