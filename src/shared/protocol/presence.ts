import { z } from 'zod';
import type { PublicUser } from './accounts.js';
import type { Call } from './call.js';
import { roomIdSchema } from './fields.js';

/** Someone joined or left a room, or came online or went offline (room null). */
export interface PresenceNotice {
  readonly roomId: number | null;
  readonly user: PublicUser;
  readonly status: 'joined' | 'left' | 'online' | 'offline';
  /**
   * `online` and `joined` only: the identity the same tabs had until now (a guest who signed
   * in, an account that signed out). One person: show `user` in its place; it did not leave.
   */
  readonly was?: PublicUser;
}

/** `typing`: started (true) or stopped (false). */
export const typingSchema = z.object({ roomId: roomIdSchema, typing: z.boolean() });

/** `presence:list`: one room's followers, or without `roomId` (or any payload) everyone online. */
export const presenceListSchema = z
  .union([z.object({ roomId: roomIdSchema.optional() }), z.undefined(), z.null()])
  .transform((input) => ({ roomId: input?.roomId }));

/** The presence calls: their payloads and answers. */
export interface PresenceCalls {
  /** The user is typing in a room, or stopped. Never stored; the acknowledgement is optional. */
  typing: Call<typeof typingSchema, null>;
  /** Who is online: in one room or overall. One entry per user. */
  'presence:list': Call<typeof presenceListSchema, PublicUser[]>;
}

/** What the server pushes about presence: each event's arguments. */
export interface PresencePushes {
  /** Someone joined or left a room, came online or went offline. */
  presence: [notice: PresenceNotice];
  /** Someone online changed their name (same id): to connections that asked for the online list. */
  'presence:renamed': [user: PublicUser];
  /** `user` is typing in `roomId`, or stopped; expires by itself after a few seconds. */
  typing: [roomId: number, user: PublicUser, typing: boolean];
}
