import { z } from 'zod';

/** Offsets and room keys as the handshake carries them. */
const offsetSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const roomKeySchema = z.string().regex(/^[1-9]\d{0,9}$/);
/** A handshake cannot order unbounded catch-up work. */
const MAX_HANDSHAKE_ROOMS = 1000;

/**
 * The Socket.IO handshake's `auth` object, every field a client may send, declared once:
 * - `serverOffset`: the tutorial's last seen offset in `general` (0 or absent: none);
 * - `token`: a session token from `account:login` or `account:register` (absent or null: none);
 * - `rooms`: { [roomId]: lastOffsetSeen }, present for a client of the room protocol, whose
 *   rooms are re-followed from those offsets; absent for the tutorial's;
 * - `epochs`: { [roomId]: epoch }, the history epoch each offset of `rooms` belongs to
 *   (RoomSummary.epoch); a room without one is re-followed as before epochs existed.
 * Other fields are ignored.
 */
export const handshakeSchema = z.object({
  serverOffset: z.coerce.number().pipe(offsetSchema).optional(),
  token: z.union([z.string().min(1).max(256), z.null()]).optional(),
  rooms: z
    .record(roomKeySchema, offsetSchema)
    .refine((rooms) => Object.keys(rooms).length <= MAX_HANDSHAKE_ROOMS, `at most ${MAX_HANDSHAKE_ROOMS} rooms`)
    .optional(),
  epochs: z
    .record(roomKeySchema, z.string().min(1).max(64))
    .refine((epochs) => Object.keys(epochs).length <= MAX_HANDSHAKE_ROOMS, `at most ${MAX_HANDSHAKE_ROOMS} rooms`)
    .optional(),
});

/** Why a handshake is refused, by the first field found wrong, in this order. */
const REASONS = {
  serverOffset: 'invalid handshake: auth.serverOffset must be a non-negative integer',
  token: 'invalid handshake: auth.token must be a string',
  rooms: 'invalid handshake: auth.rooms must map room ids to non-negative integer offsets',
  epochs: 'invalid handshake: auth.epochs must map room ids to epochs (strings)',
} as const;

/** A handshake as the server uses it, parsed once. */
export interface Handshake {
  /** The tutorial's last seen offset in `general`; 0 when none. */
  readonly serverOffset: number;
  readonly token: string | undefined;
  /** The room protocol's rooms and their last seen offsets; undefined for a tutorial client. */
  readonly rooms: ReadonlyMap<number, number> | undefined;
  /** The history epoch of each offset of `rooms`, where the client named one. */
  readonly epochs: ReadonlyMap<number, string>;
}

/** `auth` parsed by handshakeSchema, or the reason to refuse the connection. */
export function parseHandshake(auth: unknown): { readonly handshake: Handshake } | { readonly refusal: string } {
  const parsed = handshakeSchema.safeParse(auth);
  if (!parsed.success) {
    const wrong = new Set(parsed.error.issues.map((issue) => issue.path[0]));
    const field = (Object.keys(REASONS) as (keyof typeof REASONS)[]).find((key) => wrong.has(key));
    return { refusal: field ? REASONS[field] : 'invalid handshake: auth must be an object' };
  }
  const { serverOffset, token, rooms, epochs } = parsed.data;
  const byRoom = <T>(record: Record<string, T>): Map<number, T> => new Map(Object.entries(record).map(([roomId, value]) => [Number(roomId), value]));
  return {
    handshake: {
      serverOffset: serverOffset ?? 0,
      token: token ?? undefined,
      rooms: rooms === undefined ? undefined : byRoom(rooms),
      epochs: byRoom(epochs ?? {}),
    },
  };
}

/**
 * The `data` of a refused handshake (the client's `connect_error`), when the refusal says
 * more than its message: `BANNED` (with the ban's reason and end), or `UNAVAILABLE`: the
 * server could not decide who the client is just now (its store did not answer), so the
 * same handshake will pass later. socket.io-client does not retry a refusal by itself; a
 * client retries this one with the back-off of src/shared/reconnect.ts (isRetryableRefusal,
 * reconnectDelay).
 */
export type HandshakeRefusalData = { readonly code: 'BANNED'; readonly reason: string; readonly until: number | null } | { readonly code: 'UNAVAILABLE' };
