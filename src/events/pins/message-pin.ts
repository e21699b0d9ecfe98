import { ErrorCode, fail, ok } from '../../shared/errors.js';
import { MAX_PINS, messagePinSchema } from '../../shared/protocol/pins.js';
import { defineEvent } from '../kit.js';
import { appendChange } from '../messages/message-change.js';

/**
 * `message:pin` ({ roomId, target, clientId }): a member who may write in the room pins one of
 * its live messages (access `live-target`), stored as a `pin` event through the one append
 * path, so every follower gets it in order and a client coming back is caught up with it.
 * A thread reply is refused (its root can be pinned); a message already pinned is answered
 * with that pin (`duplicate`), storing nothing; past MAX_PINS pins in the room, PIN_LIMIT.
 * The count is read before the append: two pins at the very same moment may both pass it.
 */
export const messagePin = defineEvent({
  schema: messagePinSchema,
  price: ['messages.connection', 'messages.user'],
  access: 'live-target',
  handle: async (call) => {
    const { roomId, target } = call.input;
    const { store } = call.services;
    const message = await store.rooms.liveMessage(roomId, target);
    if (message && message.target !== null) return fail(ErrorCode.INVALID_PAYLOAD, 'a thread reply cannot be pinned: pin the message that starts its thread');
    const pinned = await store.pins.pinOf(roomId, target);
    if (pinned) return ok({ serverOffset: pinned.offset, duplicate: true });
    if ((await store.pins.pinned(roomId, MAX_PINS)).length >= MAX_PINS) {
      return fail(ErrorCode.PIN_LIMIT, `this room has ${MAX_PINS} pinned messages, the most it may hold: unpin one first`);
    }
    return appendChange(call, 'pin', '');
  },
});
