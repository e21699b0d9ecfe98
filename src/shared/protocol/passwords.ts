import { z } from 'zod';
import type { Call } from './call.js';
import { storable, storableString } from './fields.js';

/** A new password, with the bounds of registration (src/shared/protocol/accounts.ts). */
const passwordSchema = z
  .string()
  .min(8, 'password must be at least 8 characters')
  .max(256, 'password must be at most 256 characters')
  .refine(storable, 'password must be well-formed text without NUL characters');

/** account:password: the current password proves it is the owner at the keyboard, not a borrowed tab. */
export const passwordChangeSchema = z.object({
  current: z.string().max(256, 'password must be at most 256 characters'),
  next: passwordSchema,
});

/** account:reset: the token of an admin's reset link, and the new password. */
export const passwordResetSchema = z.object({
  token: z.string().min(16).max(128).regex(/^[A-Za-z0-9_-]+$/, 'not a reset token'),
  password: passwordSchema,
});

/** mod:password-reset: the account, by its exact username (as mod:role names it). */
export const resetIssueSchema = z.object({ username: storableString(1, 64) });

/** What an admin gets for a reset: shown once, never stored in clear. */
export interface ResetLink {
  /** The account's public id (`a:<n>`). */
  readonly userId: string;
  readonly token: string;
  /** The page's address that opens the reset form: `/#reset=<token>` (a fragment, so no server or proxy logs it). */
  readonly path: string;
  /** Milliseconds since the epoch after which the link is refused. */
  readonly expiresAt: number;
}

/** The password calls: their payloads and answers. */
export interface PasswordCalls {
  /** Change one's own password: every other session of the account is signed out, on every node. */
  'account:password': Call<typeof passwordChangeSchema, { signedOut: number }>;
  /** Choose a new password with an admin's reset link (once): every session of the account is signed out. */
  'account:reset': Call<typeof passwordResetSchema, { username: string }>;
  /** Admins: a one-time reset link for an account. */
  'mod:password-reset': Call<typeof resetIssueSchema, ResetLink>;
}
