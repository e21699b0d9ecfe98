import type { MessageEnvelope, PublicUser, RoomEvent } from '../shared/events.js';
import { liveRoom } from '../socket-rooms.js';
import type { Wire } from './wire.js';
import { Origins } from './origins.js';

/** Account ids start with `a:` (see PublicUser); everything else is a guest. */
export const userKind = (userId: string): PublicUser['kind'] => (userId.startsWith('a:') ? 'account' : 'guest');

/** A stored message as the room protocol shows it. */
export function toRoomEvent(message: MessageEnvelope): RoomEvent {
  const authorId = message.authorId ?? '';
  return {
    roomId: message.roomId,
    offset: message.offset,
    kind: message.kind ?? 'message',
    author: { id: authorId, name: message.author, kind: userKind(authorId) },
    text: message.text,
    createdAt: message.createdAt,
    ...(message.target !== undefined && message.target !== null ? { target: message.target } : {}),
    ...(message.clientId !== undefined && message.clientId !== null ? { clientId: message.clientId } : {}),
  };
}

/** The room protocol's wire, with the table of the sockets it leaves out. */
export interface RoomWire extends Wire {
  readonly origins: Origins;
}

/**
 * The room protocol's wire format: `room:event`, to every follower except the socket that
 * sent the event (it has its acknowledgement instead).
 */
export function createRoomWire(origins = new Origins()): RoomWire {
  return {
    origins,
    key: liveRoom,
    event: (message) => ['room:event', toRoomEvent(message)],
    except: (message) => origins.of(message),
  };
}
