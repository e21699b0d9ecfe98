import type { Wire } from './delivery.js';

/**
 * The tutorial's wire format: `chat message` (text, serverOffset), to the sockets that
 * speak the tutorial's protocol. Edits and deletions are not sent (the tutorial's page
 * would show them as messages); their offsets are skipped, so `serverOffset` still only grows.
 */
export const tutorialWire: Wire = {
  key: (roomId) => `tutorial:${roomId}`,
  toRoom(io, roomKey, message) {
    if (isMessage(message.kind)) io.local.to(roomKey).emit('chat message', message.text, message.offset);
  },
  event: (message) => (isMessage(message.kind) ? ['chat message', message.text, message.offset] : undefined),
  sendsTo: () => true,
};

const isMessage = (kind: string | undefined): boolean => kind === undefined || kind === 'message';
