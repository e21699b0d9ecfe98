import { createHash } from 'node:crypto';

/**
 * The tutorial's client makes `clientOffset` as `${socket.id}-${counter}`. A socket id is
 * 20 random URL-safe characters that the server never shows to other clients, so an
 * offset of that form is a secret of the client that made it: a retry of it, on whatever
 * later connection, is the same message.
 */
const SOCKET_ID_OFFSET = /^[A-Za-z0-9_-]{20}-\d{1,16}$/;

/**
 * The key that makes a retried `chat message` idempotent without trusting `clientOffset`
 * to be unique.
 *
 * - `${socketId}-${n}` offsets are scoped by themselves (see above): a retry after a
 *   reconnect is recognised.
 * - Any other offset (`undefined-0`, sent by the tutorial's client while disconnected, or
 *   a string reused on purpose) is scoped to its sender: the browser session, else the
 *   connection. Another client's `undefined-0` is a different message.
 * - The text is part of the key, so a reused offset can never swallow a different message.
 *
 * Returns null when the client sent no offset: such messages are stored unconditionally.
 */
export function idempotencyKey(senderKey: string, clientOffset: string | undefined, text: string): string | null {
  if (clientOffset === undefined) return null;
  const scope = SOCKET_ID_OFFSET.test(clientOffset) ? 'socket-offset' : `sender:${senderKey}`;
  return createHash('sha256').update(scope).update('\0').update(clientOffset).update('\0').update(text).digest('base64url');
}

/**
 * The key of a room-protocol event: its sender's `clientId`, scoped to the user, so a retry
 * from any tab or connection of that user is the same event and another user's equal
 * `clientId` is not.
 */
export function roomEventKey(userId: string, clientId: string): string {
  return createHash('sha256').update('room-protocol\0').update(userId).update('\0').update(clientId).digest('base64url');
}
