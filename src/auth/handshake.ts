import { z } from 'zod';
import type { ParleyServer } from '../types.js';
import { browserSessionOf } from './session-cookie.js';

/** `auth.serverOffset`: the last offset the client saw; 0 (or absent) when none. */
const handshakeAuthSchema = z.object({
  serverOffset: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});

/** The client's last seen offset, already validated by the handshake middleware. */
export function lastSeenOffset(auth: Record<string, unknown>): number {
  const parsed = handshakeAuthSchema.safeParse(auth);
  return parsed.success ? (parsed.data.serverOffset ?? 0) : 0;
}

/**
 * The handshake's first check: fills `socket.data.senderKey`, or refuses the connection
 * with a reason. Who the socket is (`socket.data.user`) is decided next, by
 * authenticateSockets (./authenticate.ts).
 * Runs on recovered connections too (`skipMiddlewares` is off), so a check added here can
 * never be bypassed by connection state recovery.
 */
export function identifySockets(io: ParleyServer): void {
  io.use((socket, next) => {
    const auth = handshakeAuthSchema.safeParse(socket.handshake.auth);
    if (!auth.success) {
      next(new Error('invalid handshake: auth.serverOffset must be a non-negative integer'));
      return;
    }
    const browserSession = browserSessionOf(socket.request);
    socket.data.senderKey = browserSession ? `browser:${browserSession}` : `socket:${socket.id}`;
    next();
  });
}
