import { z } from 'zod';
import type { nameShape } from './accounts.js';
import type { Call } from './call.js';
import { roomIdSchema, storableString } from './fields.js';
import { emptySchema } from './moderation.js';

/**
 * Outgoing webhooks as admins make and see them (`mod:outgoing-*` over the socket for the
 * panel, and /admin/api/<name> for the operator), and their parked deliveries.
 */

/** An outgoing webhook as admins see it (its signing secret only in its creation's answer, once). */
export interface OutgoingWebhookView {
  readonly id: number;
  /** The user id its receiver's replies carry: `o:<id>`. */
  readonly userId: string;
  readonly roomId: number;
  readonly name: string;
  readonly url: string;
  readonly triggerWords: readonly string[];
  readonly createdAt: number;
  readonly createdBy: string;
  readonly revokedAt: number | null;
}

/** A delivery that failed too often and waits for an admin. */
export interface ParkedDeliveryView {
  readonly id: number;
  readonly hookId: number;
  readonly roomId: number;
  readonly offset: number;
  readonly eventId: string;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly parkedAt: number;
}

const MAX_TRIGGER_WORDS = 10;
const idSchema = z.number().int().min(1).max(2 ** 31 - 1);

/** An http or https URL with a host; where it resolves is checked at each delivery, not here. */
export const webhookUrlSchema = z
  .string()
  .max(2000)
  .refine((text) => {
    try {
      const url = new URL(text);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' && url.username === '' && url.password === '';
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL without credentials');

export const outgoingCreateSchema = (name: typeof nameShape) =>
  z.object({
    roomId: roomIdSchema,
    name,
    url: webhookUrlSchema,
    triggerWords: z
      .array(storableString(1, 32).refine((word) => !/\s/.test(word), 'a trigger word has no spaces'))
      .max(MAX_TRIGGER_WORDS, `at most ${MAX_TRIGGER_WORDS} trigger words`)
      .default([]),
  });
export const outgoingRevokeSchema = z.object({ hookId: idSchema });
export const deliveryRetrySchema = z.object({ deliveryId: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER) });

export interface OutgoingCalls {
  /** Admins: create an outgoing webhook; the answer carries its signing secret, the only time it is shown. */
  'mod:outgoing-create': Call<ReturnType<typeof outgoingCreateSchema>, { hook: OutgoingWebhookView; secret: string }>;
  /** Admins: every outgoing webhook, revoked ones included. */
  'mod:outgoing': Call<typeof emptySchema, OutgoingWebhookView[]>;
  /** Admins: revoke an outgoing webhook; its undelivered messages are dropped. */
  'mod:outgoing-revoke': Call<typeof outgoingRevokeSchema, { revoked: boolean }>;
  /** Admins: deliveries parked after repeated failure. */
  'mod:deliveries-parked': Call<typeof emptySchema, ParkedDeliveryView[]>;
  /** Admins: try a parked delivery again (now, its failures counted from zero). */
  'mod:delivery-retry': Call<typeof deliveryRetrySchema, { retried: boolean }>;
  /** Admins: drop a parked delivery for good (the hook never gets that message). */
  'mod:delivery-discard': Call<typeof deliveryRetrySchema, { discarded: boolean }>;
}
