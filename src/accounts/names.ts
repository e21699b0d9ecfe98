import { z } from 'zod';

/**
 * Nicknames and usernames: 2 to 32 letters, digits, `_`, `.` or `-` in any script.
 * No spaces or symbols, so a name is easy to mention and hard to impersonate with
 * look-alike punctuation; uniqueness is by look-alike (UTS #39 skeleton after NFKC) in any
 * letter case, so 'Аlice' with a Cyrillic А is 'alice' (see src/store/name-key.ts).
 */
export const nameSchema = z
  .string()
  .min(2, 'must be at least 2 characters')
  .max(32, 'must be at most 32 characters')
  .regex(/^[\p{L}\p{N}_.-]+$/u, 'may contain only letters, digits, _ . and -');

/** The name a new guest gets until it picks one: `guest-` and six random digits. */
export const automaticGuestName = (): string => `guest-${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
