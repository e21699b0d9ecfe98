import { RateLimit } from '../chat/rate-limit.js';

/**
 * Password attempts one connection may make, per event (login, register): 5 at once, then one a
 * second. Each costs an scrypt hash (about 50 ms of CPU and 32 MiB), so a flood from one
 * connection would starve the worker; guessing a password online stays slow too.
 */
export const passwordAttempts = (): RateLimit => new RateLimit(1, 5);
