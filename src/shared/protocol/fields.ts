import { z } from 'zod';

/**
 * The field schemas the calls of every domain share. No Node imports: the web client types
 * its calls by these files (with `import type`, so zod stays out of the page).
 */

/** With the `u` flag a surrogate pair is one code point, so only a lone surrogate matches. */
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * Whether every backend stores the string as sent: no NUL (PostgreSQL cannot hold it) and no
 * lone surrogate (not UTF-8, so a backend would replace it). Every string field of every
 * event is checked with it, so one bad field is refused at the door and never reaches the
 * store, where it would fail a group commit shared with other users' messages.
 */
export const storable = (value: string): boolean => !value.includes('\u0000') && !LONE_SURROGATE.test(value);
const STORABLE = 'must be well-formed text without NUL characters';

/** A string of `min` to `max` characters that every backend can store. */
export const storableString = (min: number, max: number) => z.string().min(min).max(max).refine(storable, STORABLE);

/** Room ids are positive 32-bit integers in every backend. */
export const roomIdSchema = z.number().int().min(1).max(2 ** 31 - 1);
/** An offset in a room's history; 0 means "before the first event". */
export const offsetSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
/**
 * The history epoch the client's offsets belong to (RoomSummary.epoch). Optional wherever it
 * is accepted; when present and not the room's, the door answers EPOCH_CHANGED (src/events/door.ts).
 */
export const epochSchema = z.string().min(1).max(64);
/** The sender's id for one event, unique per user; a retry reuses it. */
export const clientIdSchema = storableString(1, 128);

/**
 * A message's text: 1 to `maxLength` characters (PARLEY_MAX_MESSAGE_LENGTH, so a factory); a
 * longer one is refused as MESSAGE_TOO_LONG (see src/events/failures.ts).
 */
export const textSchema = (maxLength: number) =>
  z
    .string()
    .min(1, 'text must not be empty')
    .max(maxLength, `text is longer than ${maxLength} characters`)
    .refine(storable, `text ${STORABLE}`);
