import { z } from 'zod';
import type { PublicUser } from './accounts.js';
import type { Call } from './call.js';
import { clientIdSchema, epochSchema, offsetSchema, roomIdSchema } from './fields.js';
import type { RoomEvent, SentMessage } from './messages.js';

/**
 * The most messages a room may have pinned at once: a pin past it is refused as PIN_LIMIT.
 * A short list people read, as Slack's 100 and Discord's 50 are; `room:pins` returns them all.
 */
export const MAX_PINS = 50;

/** One pinned message of `room:pins`: the message as it reads now, and the pin in force on it. */
export interface PinnedMessage {
  /** The pinned message, as it reads now (its latest edit). */
  readonly message: RoomEvent;
  /** Who pinned it. */
  readonly pinnedBy: PublicUser;
  /** Milliseconds since the epoch: when the pin was stored. */
  readonly pinnedAt: number;
  /** The offset of the `pin` event itself in the room's history. */
  readonly pinOffset: number;
}

/** `target`: the offset of the message pinned or unpinned (a message of the room's log, not a thread reply). */
export const messagePinSchema = z.object({
  roomId: roomIdSchema,
  target: offsetSchema.min(1),
  clientId: clientIdSchema,
  epoch: epochSchema.optional(),
});

export const roomPinsSchema = z.object({ roomId: roomIdSchema, epoch: epochSchema.optional() });

/**
 * A message link (`<origin>/#room=<roomId>&message=<offset>`) as `message:link` answers it:
 * the room it is in, and the message as it reads now (a thread reply names its root in `target`).
 */
export interface LinkedMessage {
  readonly room: { readonly id: number; readonly name: string; readonly kind: 'public' | 'direct' };
  readonly message: RoomEvent;
}

export const messageLinkSchema = z.object({ roomId: roomIdSchema, offset: offsetSchema.min(1) });

/** The pin calls of the room protocol. Pins and unpins are room events (`pin` / `unpin`), delivered as every event is. */
export interface PinCalls {
  /**
   * Pin a live message of a room the user writes in: stored as a `pin` event. A message
   * already pinned is answered with its pin's offset and `duplicate: true`, storing nothing.
   */
  'message:pin': Call<typeof messagePinSchema, SentMessage>;
  /** Unpin a pinned message (who pinned it, either member of a direct room, or a moderator): stored as an `unpin` event. */
  'message:unpin': Call<typeof messagePinSchema, SentMessage>;
  /** The room's pinned messages, the newest pin first (at most MAX_PINS). */
  'room:pins': Call<typeof roomPinsSchema, PinnedMessage[]>;
  /**
   * What a message link opens: for whoever may read the room (any public room, a direct room
   * as a member; UNKNOWN_ROOM otherwise), the room and the live message (UNKNOWN_MESSAGE when
   * it was deleted or never was).
   */
  'message:link': Call<typeof messageLinkSchema, LinkedMessage>;
}
