import { createHash, randomBytes } from 'node:crypto';

/** A new session token: 256 random bits, URL-safe. Handed to the client once, never stored. */
export const newSessionToken = (): string => randomBytes(32).toString('base64url');

/**
 * What the store keeps of a session token or browser session id: its SHA-256. The secrets
 * are random and long, so a plain hash is enough to make a leaked table useless.
 */
export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('base64url');
