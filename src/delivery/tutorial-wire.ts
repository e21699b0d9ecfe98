import type { Wire } from './delivery.js';

/** The tutorial's wire format: `chat message` (text, serverOffset). */
export const tutorialWire: Wire = {
  toRoom(io, roomKey, message) {
    io.local.to(roomKey).emit('chat message', message.text, message.offset);
  },
  toSocket(socket, message) {
    socket.emit('chat message', message.text, message.offset);
  },
};
