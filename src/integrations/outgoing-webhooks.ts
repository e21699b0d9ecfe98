import { randomBytes } from 'node:crypto';
import type { Logger } from '../log.js';
import type { Actor } from '../moderation/moderation.js';
import { ErrorCode, fail, ok, type Ack } from '../shared/errors.js';
import type { OutgoingWebhookView, ParkedDeliveryView } from '../shared/protocol/outgoing.js';
import { outgoingUserId, type OutgoingWebhookRecord } from '../store/outbox.js';
import type { Store } from '../store/store.js';

const view = ({ secret: _secret, enqueuedThrough: _cursor, ...hook }: OutgoingWebhookRecord): OutgoingWebhookView => ({ ...hook, userId: outgoingUserId(hook.id) });

/**
 * Outgoing webhooks as admins manage them: made (with a signing secret of 192 random bits,
 * shown once), listed, revoked, and their parked deliveries listed and retried, each change
 * in the audit log. The deliveries themselves are src/outgoing/dispatcher.ts's.
 */
export class OutgoingWebhooks {
  constructor(
    private readonly options: {
      readonly store: Store;
      readonly log: Logger;
    },
  ) {}

  /** Creates a hook on `roomId` (a public room); only messages stored from now on go out. */
  async create(actor: Actor, command: { readonly roomId: number; readonly name: string; readonly url: string; readonly triggerWords: readonly string[] }): Promise<Ack<{ hook: OutgoingWebhookView; secret: string }>> {
    const { store } = this.options;
    const room = await store.rooms.roomById(command.roomId);
    if (room?.kind !== 'public') return fail(ErrorCode.UNKNOWN_ROOM, `no public room ${command.roomId}`);
    const secret = randomBytes(24).toString('base64url');
    const at = Date.now();
    const audit = { at, actor: actor.id, actorName: actor.name, action: 'outgoing-create', target: null, roomId: command.roomId, detail: `${command.name} ${new URL(command.url).origin}` };
    const hook = await store.outbox.createOutgoing({ ...command, secret, createdAt: at, createdBy: actor.id }, audit);
    this.options.log.info({ hookId: hook.id, roomId: hook.roomId, by: actor.id }, 'outgoing webhook created');
    return ok({ hook: view(hook), secret });
  }

  async list(): Promise<Ack<OutgoingWebhookView[]>> {
    return ok((await this.options.store.outbox.outgoingWebhooks()).map(view));
  }

  async revoke(actor: Actor, command: { readonly hookId: number }): Promise<Ack<{ revoked: boolean }>> {
    const audit = { at: Date.now(), actor: actor.id, actorName: actor.name, action: 'outgoing-revoke', target: outgoingUserId(command.hookId), roomId: null, detail: '' };
    const revoked = await this.options.store.outbox.revokeOutgoing(command.hookId, audit.at, audit);
    if (!revoked) return fail(ErrorCode.UNKNOWN_USER, 'no such outgoing webhook, or revoked already');
    return ok({ revoked });
  }

  async parked(): Promise<Ack<ParkedDeliveryView[]>> {
    const rows = await this.options.store.outbox.parked();
    return ok(rows.map((row) => ({ id: row.id, hookId: row.hookId, roomId: row.roomId, offset: row.offset, eventId: row.eventId, attempts: row.attempts, lastError: row.lastError, parkedAt: row.parkedAt ?? 0 })));
  }

  async retry(actor: Actor, command: { readonly deliveryId: number }): Promise<Ack<{ retried: boolean }>> {
    const audit = { at: Date.now(), actor: actor.id, actorName: actor.name, action: 'delivery-retry', target: null, roomId: null, detail: String(command.deliveryId) };
    const retried = await this.options.store.outbox.retryParked(command.deliveryId, audit.at, audit);
    if (!retried) return fail(ErrorCode.INVALID_PAYLOAD, 'no such parked delivery');
    return ok({ retried });
  }

  /** Drops a parked delivery for good: the hook never gets that message. Audited (`delivery-discard`). */
  async discard(actor: Actor, command: { readonly deliveryId: number }): Promise<Ack<{ discarded: boolean }>> {
    const audit = { at: Date.now(), actor: actor.id, actorName: actor.name, action: 'delivery-discard', target: null, roomId: null, detail: String(command.deliveryId) };
    const discarded = await this.options.store.outbox.discardParked(command.deliveryId, audit);
    if (!discarded) return fail(ErrorCode.INVALID_PAYLOAD, 'no such parked delivery');
    return ok({ discarded });
  }
}
