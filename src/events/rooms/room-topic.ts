import { ErrorCode, fail, ok } from '../../shared/errors.js';
import { roomTopicSchema } from '../../shared/protocol/commands.js';
import { liveRoom } from '../../socket-rooms.js';
import { defineEvent } from '../kit.js';

/**
 * `room:topic` ({ roomId, topic }): sets a public room's topic ('' clears it); every
 * connection following the room, on every server, gets `room:topic`. Members who may write
 * there may set it (a muted member may not); direct rooms have none.
 */
export const roomTopic = defineEvent({
  schema: roomTopicSchema,
  price: ['rooms.user', 'rooms.address'],
  access: 'writer',
  handle: async ({ input: { roomId, topic }, socket, services: { io, store } }) => {
    const room = await store.rooms.roomById(roomId);
    if (room?.kind !== 'public') return fail(ErrorCode.INVALID_PAYLOAD, 'only public rooms have a topic');
    const text = topic.trim();
    await store.commands.setTopic(roomId, text, socket.data.user.id, Date.now());
    io.to(liveRoom(roomId)).emit('room:topic', { roomId, topic: text, by: socket.data.user.name });
    return ok({ topic: text });
  },
});
