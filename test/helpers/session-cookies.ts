import { createHmac, randomBytes } from 'node:crypto';

/** The cookie-signing secret test servers run with (startServer sets PARLEY_SESSION_SECRET). */
export const TEST_SESSION_SECRET = 'test-session-secret-of-at-least-32-characters';

/**
 * A `parley_session` value as a test server would issue it (src/auth/session-cookie.ts):
 * tests use it to open several tabs of one browser without a handshake first.
 */
export function signedSessionId(secret = TEST_SESSION_SECRET): string {
  const id = randomBytes(24).toString('base64url');
  return `${id}.${createHmac('sha256', secret).update(`cookie:${id}`).digest('base64url')}`;
}
