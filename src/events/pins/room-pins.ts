import { toRoomEvent } from '../../delivery/room-wire.js';
import { ok } from '../../shared/errors.js';
import { MAX_PINS, roomPinsSchema } from '../../shared/protocol/pins.js';
import { defineEvent } from '../kit.js';

/**
 * `room:pins` ({ roomId }): the room's pinned messages, the newest pin first, each with who
 * pinned it and when. Whoever may read the room (access `reader`: every public room, a direct
 * room as a member), so a room opened read-only shows its pins too.
 */
export const roomPins = defineEvent({
  schema: roomPinsSchema,
  price: ['reads.connection', 'reads.user', 'reads.address'],
  access: 'reader',
  handle: async ({ input: { roomId }, services: { store } }) => {
    const rows = await store.pins.pinned(roomId, MAX_PINS);
    return ok(
      rows.map(({ message, pin }) => {
        const pinEvent = toRoomEvent(pin);
        return { message: toRoomEvent(message), pinnedBy: pinEvent.author, pinnedAt: pin.createdAt, pinOffset: pin.offset };
      }),
    );
  },
});
