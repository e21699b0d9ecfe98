import { z } from 'zod';
import { nameSchema } from './names.js';

/**
 * `{ username, password }` of account:register and account:login. The password's upper
 * bound keeps one request from making scrypt hash megabytes.
 */
export const credentialsSchema = z.object({
  username: nameSchema,
  password: z.string().min(8, 'password must be at least 8 characters').max(256, 'password must be at most 256 characters'),
});

export type Credentials = z.infer<typeof credentialsSchema>;

/** How long a session token (and the browser bound to it) stays signed in: 30 days. */
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;
