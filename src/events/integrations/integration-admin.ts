import { nameSchema } from '../../accounts/names.js';
import { botCreateSchema, botRevokeSchema, webhookCreateSchema, webhookRevokeSchema } from '../../shared/protocol/integrations.js';
import { emptySchema } from '../../shared/protocol/moderation.js';
import { defineEvent } from '../kit.js';

/**
 * The admin's bot and webhook events (`mod:bot-*`, `mod:webhook-*`): access `admin` (the
 * operator's too, over /admin/api/<name>), the moderation budget, each change audited by
 * the store in the transaction that makes it (src/integrations/).
 */

const PRICE = ['moderation.user'] as const;

export const integrationAdminEvents = {
  'mod:bot-create': defineEvent({
    schema: botCreateSchema(nameSchema),
    price: PRICE,
    access: 'admin',
    http: 'POST',
    handle: ({ input, actor, services }) => services.bots.create(actor, input),
  }),
  'mod:bots': defineEvent({
    schema: emptySchema,
    price: PRICE,
    access: 'admin',
    http: 'GET',
    handle: ({ services }) => services.bots.list(),
  }),
  'mod:bot-revoke': defineEvent({
    schema: botRevokeSchema,
    price: PRICE,
    access: 'admin',
    http: 'POST',
    handle: ({ input, actor, services }) => services.bots.revoke(actor, input),
  }),
  'mod:webhook-create': defineEvent({
    schema: webhookCreateSchema(nameSchema),
    price: PRICE,
    access: 'admin',
    http: 'POST',
    handle: ({ input, actor, services }) => services.webhooks.create(actor, input),
  }),
  'mod:webhooks': defineEvent({
    schema: emptySchema,
    price: PRICE,
    access: 'admin',
    http: 'GET',
    handle: ({ services }) => services.webhooks.list(),
  }),
  'mod:webhook-revoke': defineEvent({
    schema: webhookRevokeSchema,
    price: PRICE,
    access: 'admin',
    http: 'POST',
    handle: ({ input, actor, services }) => services.webhooks.revoke(actor, input),
  }),
} as const;
