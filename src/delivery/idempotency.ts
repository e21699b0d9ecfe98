import { createHash } from 'node:crypto';

/** `<id>-<n>`: the tutorial's `${socket.id}-${counter}`; the id is everything before the last dash. */
const ID_AND_COUNTER = /^(.+)-\d{1,16}$/;

/**
 * Who owns an id a client chose for its message (`clientOffset`, `clientId`): the id
 * Parley issued that it starts with, if it starts with one (`${socket.id}-${n}`, or the
 * Engine.IO session id in its place; see src/auth/issued-ids.ts), else `fallback`.
 *
 * An issued id was given to one connection only and is never shown to other clients, so
 * only the client that holds it makes offsets with it: its retries are recognised on any
 * later connection, under any identity, on any server, after any restart, and nobody
 * else's message can share its key. Any other string (`undefined-0`, sent by the tutorial's
 * client while disconnected, a UUID, a string reused on purpose) is owned by `fallback`,
 * the sender, so two clients' equal offsets are always two messages.
 */
export function ownerOf(clientChosen: string, isIssued: (id: string) => boolean, fallback: string): string {
  const id = ID_AND_COUNTER.exec(clientChosen)?.[1];
  return id !== undefined && isIssued(id) ? `issued:${id}` : fallback;
}

/**
 * The key that makes a retried `chat message` idempotent without trusting `clientOffset`
 * to be unique: the offset, scoped by its owner (see ownerOf; the fallback is the sender:
 * its browser session, else the connection), and the text, so that a reused offset can
 * never swallow a different message.
 *
 * Returns null when the client sent no offset: such messages are stored unconditionally.
 */
export function idempotencyKey(senderKey: string, clientOffset: string | undefined, text: string, isIssued: (id: string) => boolean): string | null {
  if (clientOffset === undefined) return null;
  const scope = ownerOf(clientOffset, isIssued, `sender:${senderKey}`);
  return createHash('sha256').update(scope).update('\0').update(clientOffset).update('\0').update(text).digest('base64url');
}

/**
 * The key of a room-protocol event: its sender's `clientId`, scoped by its owner (see
 * ownerOf; the fallback is the user), so a retry from any tab or connection of that user,
 * or under a new identity when the clientId starts with an issued id, is the same event,
 * and another user's equal `clientId` is not.
 */
export function roomEventKey(userId: string, clientId: string, isIssued: (id: string) => boolean): string {
  return createHash('sha256').update('room-protocol\0').update(ownerOf(clientId, isIssued, userId)).update('\0').update(clientId).digest('base64url');
}

/**
 * The key of an incoming webhook's delivery: its `Idempotency-Key` header, scoped by the
 * webhook, so a delivery retried by the sender (after a timeout, a 5xx, a lost answer) is
 * stored once, and another webhook's equal key is another message. The text is left out on
 * purpose: a retry is the same delivery, as for Stripe's and GitHub's delivery ids.
 */
export function webhookDeliveryKey(hookId: number, deliveryKey: string): string {
  return createHash('sha256').update('webhook\0').update(String(hookId)).update('\0').update(deliveryKey).digest('base64url');
}

/** The key of an outgoing webhook's reply: one per event id, so a redelivery's answer is stored once. */
export function outgoingReplyKey(eventId: string): string {
  return createHash('sha256').update('outgoing-reply\0').update(eventId).digest('base64url');
}
