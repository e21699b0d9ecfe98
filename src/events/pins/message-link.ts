import { toRoomEvent } from '../../delivery/room-wire.js';
import { ErrorCode, fail, ok } from '../../shared/errors.js';
import { messageLinkSchema } from '../../shared/protocol/pins.js';
import { defineEvent } from '../kit.js';

/**
 * `message:link` ({ roomId, offset }): what a message link (`#room=<id>&message=<offset>`)
 * opens. Access `reader`: every public room, joined or not (read-only, as a search hit opens
 * it), a direct room only as a member; another's direct room and an unknown room are alike
 * UNKNOWN_ROOM, so a guessed link reveals nothing. A deleted or missing message is UNKNOWN_MESSAGE.
 */
export const messageLink = defineEvent({
  schema: messageLinkSchema,
  price: ['reads.connection', 'reads.user', 'reads.address'],
  access: 'reader',
  handle: async ({ input: { roomId, offset }, room, services: { store } }) => {
    const message = room && (await store.rooms.liveMessage(roomId, offset));
    if (!room || !message) return fail(ErrorCode.UNKNOWN_MESSAGE, `no message at offset ${offset} in this room, or it was deleted`);
    return ok({ room: { id: room.id, name: room.name, kind: room.kind }, message: toRoomEvent(message) });
  },
});
