import { messagePinSchema } from '../../shared/protocol/pins.js';
import { defineEvent } from '../kit.js';
import { appendChange } from '../messages/message-change.js';

/**
 * `message:unpin` ({ roomId, target, clientId }): takes a pin away, stored as an `unpin`
 * event. Who may is the access rule's `unpinner` (../pin-access.ts): whoever pinned it,
 * either member of a direct room, or a moderator.
 */
export const messageUnpin = defineEvent({
  schema: messagePinSchema,
  price: ['messages.connection', 'messages.user'],
  access: 'unpinner',
  handle: (call) => appendChange(call, 'unpin', ''),
});
