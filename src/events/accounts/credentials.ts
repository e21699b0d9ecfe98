import { z } from 'zod';
import { nameSchema } from '../../accounts/names.js';
import { storable } from '../schemas.js';

/**
 * `{ username, password }` of account:register and account:login. The password's upper
 * bound keeps one request from making scrypt hash megabytes.
 */
export const credentialsSchema = z.object({
  username: nameSchema,
  password: z
    .string()
    .min(8, 'password must be at least 8 characters')
    .max(256, 'password must be at most 256 characters')
    .refine(storable, 'password must be well-formed text without NUL characters'),
});
