import { z } from 'zod';
import type { Call } from './call.js';
import { roomIdSchema } from './fields.js';
import type { PublicUser } from './accounts.js';

export const receiptsGetSchema = z.object({ roomId: roomIdSchema });
export const receiptsSetSchema = z.object({ enabled: z.boolean() });

/** How far one member has read a room: every event at or below `offset`. */
export interface Receipt {
  readonly user: Pick<PublicUser, 'id' | 'name'>;
  readonly offset: number;
}

/** A room's read receipts as one member may see them. */
export interface Receipts {
  /** Whether the caller sends receipts; one who does not sees none either. */
  readonly sending: boolean;
  /** Whether the room has receipts: a direct room, or one of at most PARLEY_RECEIPTS_MAX_MEMBERS members. */
  readonly available: boolean;
  /** Every other member who sends receipts and has read something, empty unless both above hold. */
  readonly receipts: readonly Receipt[];
}

/** The read receipt calls: see README, "Read receipts". */
export interface ReceiptCalls {
  /** A room's receipts (`read:mark` is what moves one's own). */
  'receipts:get': Call<typeof receiptsGetSchema, Receipts>;
  /** Turn one's own receipts on or off, for every tab and device. */
  'receipts:set': Call<typeof receiptsSetSchema, { readonly enabled: boolean }>;
}

/** What the server pushes of receipts. */
export interface ReceiptPushes {
  /** A member of a room with receipts read further: to the room's live followers. */
  'room:receipt': [receipt: Receipt & { readonly roomId: number }];
  /** The user turned receipts on or off in another tab. */
  'receipts:setting': [setting: { readonly enabled: boolean }];
}
