import { z } from 'zod';
import type { ParleyServer } from '../types.js';

/**
 * `auth.rooms` of the handshake: { [roomId]: lastOffsetSeen }. Its presence marks a
 * room-protocol client. Bounded so a handshake cannot order unbounded catch-up work.
 */
const handshakeRoomsSchema = z
  .record(z.string().regex(/^[1-9]\d{0,9}$/), z.number().int().min(0).max(Number.MAX_SAFE_INTEGER))
  .refine((rooms) => Object.keys(rooms).length <= 1000, 'at most 1000 rooms');

/** Whether a handshake speaks the room protocol (carries `auth.rooms`), not the tutorial's. */
export const speaksRoomProtocol = (auth: Record<string, unknown>): boolean => auth['rooms'] !== undefined;

/** `auth.rooms` as validated by `checkHandshakeRooms`; empty when absent. */
export function handshakeRooms(auth: Record<string, unknown>): Map<number, number> {
  const parsed = handshakeRoomsSchema.safeParse(auth['rooms'] ?? {});
  const rooms = new Map<number, number>();
  if (parsed.success) for (const [roomId, offset] of Object.entries(parsed.data)) rooms.set(Number(roomId), offset);
  return rooms;
}

/** Refuses a handshake whose `auth.rooms` is not { [roomId]: lastOffsetSeen }, saying why. */
export function checkHandshakeRooms(io: ParleyServer): void {
  io.use((socket, next) => {
    const rooms = socket.handshake.auth['rooms'];
    if (rooms !== undefined && !handshakeRoomsSchema.safeParse(rooms).success) {
      next(new Error('invalid handshake: auth.rooms must map room ids to non-negative integer offsets'));
      return;
    }
    next();
  });
}
