import { createHash } from 'node:crypto';
import { nameShape } from '../shared/protocol/accounts.js';
import { nameKey } from '../store/name-key.js';

/** Automatic guest names start with this; no chosen name may look like one. */
const AUTOMATIC_PREFIX = 'guest-';
const AUTOMATIC_KEY = nameKey(AUTOMATIC_PREFIX);

/**
 * Nicknames and usernames: 2 to 32 letters, digits, `_`, `.` or `-` in any script.
 * No spaces or symbols, so a name is easy to mention and hard to impersonate with
 * look-alike punctuation; uniqueness is by look-alike (UTS #39 skeleton after NFKC) in any
 * letter case, so 'Аlice' with a Cyrillic А is 'alice' (see src/store/name-key.ts).
 */
export const nameSchema = nameShape.refine((name) => !nameKey(name).startsWith(AUTOMATIC_KEY), `names that look like ${AUTOMATIC_PREFIX}… are the automatic guest names`);

/**
 * The name a guest has until it picks one: `guest-` and 8 base-36 characters of a hash of
 * its id, the same on every tab and reconnect. It is not leased in the store, so a new
 * connection writes nothing; no chosen name can look like it (see nameSchema), and two
 * guests share one only by a 40-bit hash collision.
 */
export const automaticGuestName = (guestId: string): string =>
  `${AUTOMATIC_PREFIX}${BigInt(`0x${createHash('sha256').update(guestId).digest('hex').slice(0, 16)}`).toString(36).slice(-8).padStart(8, '0')}`;

/** Whether `name` is an automatic guest name (never leased). */
export const isAutomaticGuestName = (name: string): boolean => name.startsWith(AUTOMATIC_PREFIX);
