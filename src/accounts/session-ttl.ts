/** How long a session token (and the browser bound to it) stays signed in: 30 days. */
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;
