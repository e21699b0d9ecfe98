import { ErrorCode } from '../shared/errors.js';
import type { RoomRecord } from '../store/rooms.js';
import type { Store } from '../store/store.js';

/** Why a user may not use a room. */
export interface Refusal {
  readonly error: ErrorCode;
  readonly message: string;
}

/** The room if `userId` is a member; else why not (unknown, someone else's direct room, not a member). */
export async function memberRoom(store: Store, roomId: number, userId: string): Promise<RoomRecord | Refusal> {
  const room = await store.roomById(roomId);
  if (!room) return { error: ErrorCode.UNKNOWN_ROOM, message: 'the room does not exist' };
  if (await store.isMember(roomId, userId)) return room;
  if (room.kind === 'direct') return { error: ErrorCode.FORBIDDEN, message: 'a direct room of other users' };
  return { error: ErrorCode.NOT_MEMBER, message: 'not a member of the room; room:join first' };
}

export const isRefusal = (value: RoomRecord | Refusal): value is Refusal => 'error' in value;
