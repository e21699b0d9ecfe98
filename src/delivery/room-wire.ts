import type { MessageEnvelope, PublicUser, RoomEvent } from '../shared/events.js';
import { liveRoom } from '../socket-rooms.js';
import type { Wire } from './wire.js';
import { Origins } from './origins.js';
import { fileInfo } from '../files/file-info.js';

/** Account ids start with `a:`, bots' `b:` and webhooks' `w:` (see PublicUser); everything else is a guest. */
export const userKind = (userId: string): PublicUser['kind'] =>
  userId.startsWith('a:') ? 'account' : userId.startsWith('b:') || userId.startsWith('w:') || userId.startsWith('o:') || userId.startsWith('c:') ? 'bot' : 'guest';

/** A stored message as the room protocol shows it: a tombstone says who erased it and when. */
export function toRoomEvent(message: MessageEnvelope): RoomEvent {
  return {
    roomId: message.roomId,
    offset: message.offset,
    kind: message.kind ?? 'message',
    author: publicUser(message.authorId ?? null, message.author),
    text: message.text,
    createdAt: message.createdAt,
    ...(message.target !== undefined && message.target !== null ? { target: message.target } : {}),
    ...(message.clientId !== undefined && message.clientId !== null ? { clientId: message.clientId } : {}),
    ...(message.redacted ? { redacted: { by: publicUser(message.redacted.byId, message.redacted.by), at: message.redacted.at } } : {}),
    // A deleted message's files were deleted with it: a copy read before its deletion shows none either.
    ...(message.attachments && message.attachments.length > 0 && !message.redacted
      ? { attachments: message.attachments.map((file) => fileInfo(file, message.roomId)) }
      : {}),
  };
}

const publicUser = (userId: string | null, name: string): PublicUser => ({ id: userId ?? '', name, kind: userKind(userId ?? '') });

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
