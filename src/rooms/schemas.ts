import { z } from 'zod';

/** Room ids are positive 32-bit integers in every backend. */
export const roomIdSchema = z.number().int().min(1).max(2 ** 31 - 1);
/** An offset in a room's history; 0 means "before the first event". */
export const offsetSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
/** The sender's id for one event, unique per user; a retry reuses it. */
export const clientIdSchema = z.string().min(1).max(128);

/**
 * `auth.rooms` of the handshake: { [roomId]: lastOffsetSeen }. Its presence marks a
 * room-protocol client. Bounded so a handshake cannot order unbounded catch-up work.
 */
export const handshakeRoomsSchema = z
  .record(z.string().regex(/^[1-9]\d{0,9}$/), offsetSchema)
  .refine((rooms) => Object.keys(rooms).length <= 1000, 'at most 1000 rooms');
