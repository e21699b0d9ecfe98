import { randomBytes } from 'node:crypto';

/** A new file id: 24 random bytes, 32 base64url characters, so a URL cannot be guessed. */
export const newFileId = (): string => randomBytes(24).toString('base64url');
