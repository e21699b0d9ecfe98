import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Logger } from '../log.js';
import type { Actor } from '../moderation/moderation.js';
import { hashSecret } from '../secrets.js';
import { ErrorCode, fail, ok, type Ack } from '../shared/errors.js';
import type { WebhookView } from '../shared/protocol/integrations.js';
import { webhookUserId, type WebhookRecord } from '../store/integrations.js';
import type { Store } from '../store/store.js';

/** Where a webhook is posted: `POST /hooks/<id>/<secret>`. */
export const WEBHOOK_PATH_PREFIX = '/hooks/';

const view = ({ secretHash: _secretHash, ...hook }: WebhookRecord): WebhookView => hook;

/** The hash compared when no webhook has the id asked for, so an unknown id takes as long as a wrong secret. */
const NO_HOOK_HASH = hashSecret('no such webhook');

/**
 * Incoming webhooks: a URL per room with a secret (192 random bits, stored as its SHA-256),
 * made and revoked by admins, each in the audit log. A delivery's secret is hashed and
 * compared with the stored hash in constant time.
 */
export class Webhooks {
  constructor(
    private readonly options: {
      readonly store: Store;
      readonly log: Logger;
    },
  ) {}

  /** Creates a webhook that posts into `roomId` (a public room); the answer holds its path with the secret, the only time it is shown. */
  async create(actor: Actor, command: { readonly roomId: number; readonly name: string }): Promise<Ack<{ webhook: WebhookView; path: string }>> {
    const { store } = this.options;
    const room = await store.rooms.roomById(command.roomId);
    if (room?.kind !== 'public') return fail(ErrorCode.UNKNOWN_ROOM, `no public room ${command.roomId}`);
    const secret = randomBytes(24).toString('base64url');
    const at = Date.now();
    const audit = { at, actor: actor.id, actorName: actor.name, action: 'webhook-create', target: null, roomId: command.roomId, detail: command.name };
    const hook = await store.integrations.createWebhook({ roomId: command.roomId, name: command.name, secretHash: hashSecret(secret), createdAt: at, createdBy: actor.id }, audit);
    this.options.log.info({ webhookId: hook.id, roomId: hook.roomId, by: actor.id }, 'webhook created');
    return ok({ webhook: view(hook), path: `${WEBHOOK_PATH_PREFIX}${hook.id}/${secret}` });
  }

  /** Every webhook, revoked ones included. */
  async list(): Promise<Ack<WebhookView[]>> {
    return ok((await this.options.store.integrations.webhooks()).map(view));
  }

  /** Revokes a webhook: its URL is refused from now on. */
  async revoke(actor: Actor, command: { readonly webhookId: number }): Promise<Ack<{ revoked: boolean }>> {
    const target = webhookUserId(command.webhookId);
    const audit = { at: Date.now(), actor: actor.id, actorName: actor.name, action: 'webhook-revoke', target, roomId: null, detail: '' };
    const revoked = await this.options.store.integrations.revokeWebhook(command.webhookId, audit.at, audit);
    if (!revoked) return fail(ErrorCode.UNKNOWN_USER, 'no such webhook, or revoked already');
    return ok({ revoked });
  }

  /**
   * The live webhook of `id` whose secret is `secret`; undefined for an unknown id, a wrong
   * secret or a revoked hook alike (one answer reveals nothing). The hashes are compared in
   * constant time, and an unknown id is compared too.
   */
  async authenticate(id: number, secret: string): Promise<WebhookRecord | undefined> {
    const hook = await this.options.store.integrations.webhookById(id);
    const expected = Buffer.from(hook?.secretHash ?? NO_HOOK_HASH);
    const given = Buffer.from(hashSecret(secret));
    const same = given.length === expected.length && timingSafeEqual(given, expected);
    return same && hook && hook.revokedAt === null ? hook : undefined;
  }
}
