import { draftOf } from '../../delivery/drafts.js';
import { ok } from '../../shared/errors.js';
import { webhookPostSchema } from '../../shared/protocol/integrations.js';
import { webhookUserId } from '../../store/integrations.js';
import { defineEvent } from '../kit.js';

/**
 * `webhook:post` (`POST /hooks/<id>/<secret>`, src/events/webhook-doorway.ts): `{ text,
 * username? }` becomes a message of the webhook's room, by `w:<id>` (marked as a bot's),
 * through the one append path: stored before it is answered, delivered once, in order. A
 * retry with the same `Idempotency-Key` is stored once and answered with the same offset.
 */
export const webhookPost = (maxMessageLength: number) =>
  defineEvent({
    schema: webhookPostSchema(maxMessageLength),
    price: ['webhook.hook', 'webhook.address'],
    access: 'webhook',
    handle: async ({ input: { text, username }, hook, services }) => {
      const retry = { by: 'webhook', hookId: hook.id, deliveryKey: hook.idempotencyKey } as const;
      const draft = draftOf({ roomId: hook.roomId, text, author: username ?? hook.name, authorId: webhookUserId(hook.id), retry });
      return ok(await services.appends.append(draft));
    },
  });
