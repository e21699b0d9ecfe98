import { nameSchema } from '../../accounts/names.js';
import { emptySchema } from '../../shared/protocol/moderation.js';
import { deliveryRetrySchema, outgoingCreateSchema, outgoingRevokeSchema } from '../../shared/protocol/outgoing.js';
import { defineEvent } from '../kit.js';

/**
 * The admin's outgoing webhook events (`mod:outgoing-*`, `mod:deliveries-parked`,
 * `mod:delivery-retry`, `mod:delivery-discard`): access `admin` (the operator's too, over /admin/api/<name>), the
 * moderation budget, each change audited by the store (src/integrations/outgoing-webhooks.ts).
 */

const PRICE = ['moderation.user'] as const;

export const outgoingAdminEvents = {
  'mod:outgoing-create': defineEvent({
    schema: outgoingCreateSchema(nameSchema),
    price: PRICE,
    access: 'admin',
    http: 'POST',
    handle: ({ input, actor, services }) => services.outgoing.create(actor, input),
  }),
  'mod:outgoing': defineEvent({
    schema: emptySchema,
    price: PRICE,
    access: 'admin',
    http: 'GET',
    handle: ({ services }) => services.outgoing.list(),
  }),
  'mod:outgoing-revoke': defineEvent({
    schema: outgoingRevokeSchema,
    price: PRICE,
    access: 'admin',
    http: 'POST',
    handle: ({ input, actor, services }) => services.outgoing.revoke(actor, input),
  }),
  'mod:deliveries-parked': defineEvent({
    schema: emptySchema,
    price: PRICE,
    access: 'admin',
    http: 'GET',
    handle: ({ services }) => services.outgoing.parked(),
  }),
  'mod:delivery-retry': defineEvent({
    schema: deliveryRetrySchema,
    price: PRICE,
    access: 'admin',
    http: 'POST',
    handle: ({ input, actor, services }) => services.outgoing.retry(actor, input),
  }),
  'mod:delivery-discard': defineEvent({
    schema: deliveryRetrySchema,
    price: PRICE,
    access: 'admin',
    http: 'POST',
    handle: ({ input, actor, services }) => services.outgoing.discard(actor, input),
  }),
} as const;
