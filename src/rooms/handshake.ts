import { z } from 'zod';
import type { ParleyServer } from '../types.js';

/**
 * `auth.rooms` of the handshake: { [roomId]: lastOffsetSeen }. Its presence marks a
 * room-protocol client. Bounded so a handshake cannot order unbounded catch-up work.
 */
const handshakeRoomsSchema = z
  .record(z.string().regex(/^[1-9]\d{0,9}$/), z.number().int().min(0).max(Number.MAX_SAFE_INTEGER))
  .refine((rooms) => Object.keys(rooms).length <= 1000, 'at most 1000 rooms');

/**
 * `auth.epochs` of the handshake: { [roomId]: epoch }, the history epoch each offset of
 * `auth.rooms` belongs to (RoomSummary.epoch). Optional: a room without one is re-followed
 * as before epochs existed.
 */
const handshakeEpochsSchema = z
  .record(z.string().regex(/^[1-9]\d{0,9}$/), z.string().min(1).max(64))
  .refine((epochs) => Object.keys(epochs).length <= 1000, 'at most 1000 rooms');

/** Whether a handshake speaks the room protocol (carries `auth.rooms`), not the tutorial's. */
export const speaksRoomProtocol = (auth: Record<string, unknown>): boolean => auth['rooms'] !== undefined;

/** `auth.rooms` as validated by `checkHandshakeRooms`; empty when absent. */
export function handshakeRooms(auth: Record<string, unknown>): Map<number, number> {
  const parsed = handshakeRoomsSchema.safeParse(auth['rooms'] ?? {});
  const rooms = new Map<number, number>();
  if (parsed.success) for (const [roomId, offset] of Object.entries(parsed.data)) rooms.set(Number(roomId), offset);
  return rooms;
}

/** `auth.epochs` as validated by `checkHandshakeRooms`; empty when absent. */
export function handshakeEpochs(auth: Record<string, unknown>): Map<number, string> {
  const parsed = handshakeEpochsSchema.safeParse(auth['epochs'] ?? {});
  const epochs = new Map<number, string>();
  if (parsed.success) for (const [roomId, epoch] of Object.entries(parsed.data)) epochs.set(Number(roomId), epoch);
  return epochs;
}

/** Refuses a handshake whose `auth.rooms` is not { [roomId]: lastOffsetSeen } (or `auth.epochs` not { [roomId]: epoch }), saying why. */
export function checkHandshakeRooms(io: ParleyServer): void {
  io.use((socket, next) => {
    const rooms = socket.handshake.auth['rooms'];
    if (rooms !== undefined && !handshakeRoomsSchema.safeParse(rooms).success) {
      next(new Error('invalid handshake: auth.rooms must map room ids to non-negative integer offsets'));
      return;
    }
    const epochs = socket.handshake.auth['epochs'];
    if (epochs !== undefined && !handshakeEpochsSchema.safeParse(epochs).success) {
      next(new Error('invalid handshake: auth.epochs must map room ids to epochs (strings)'));
      return;
    }
    next();
  });
}
