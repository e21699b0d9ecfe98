import type { MessageEnvelope } from '../shared/events.js';

/** Asked for every message a socket catches up on: the usual answer is not allocated each time. */
const NONE: readonly string[] = Object.freeze([]);

const keyOf = (roomId: number, authorId: string, clientId: string): string => `${roomId}\u0000${authorId}\u0000${clientId}`;

/**
 * The sockets of this process that are storing a room-protocol event right now, by (room,
 * author, clientId). The envelope's `origin` is lost when a feed reads the event from the
 * store instead (it filled a gap before the append's own announcement arrived), and the
 * sending socket must still be left out: it is always on this process, so this table
 * names it. Entries live from before the append until the acknowledgement is sent.
 */
export class Origins {
  private readonly sending = new Map<string, Set<string>>();

  /** `socketId` is about to store the event; returns the call that forgets it again. */
  register(roomId: number, authorId: string, clientId: string, socketId: string): () => void {
    const key = keyOf(roomId, authorId, clientId);
    const sockets = this.sending.get(key) ?? new Set<string>();
    sockets.add(socketId);
    this.sending.set(key, sockets);
    return () => {
      sockets.delete(socketId);
      if (sockets.size === 0 && this.sending.get(key) === sockets) this.sending.delete(key);
    };
  }

  /** The sockets to leave out of this event's delivery. */
  of(message: MessageEnvelope): readonly string[] {
    const registered =
      message.authorId && message.clientId ? this.sending.get(keyOf(message.roomId, message.authorId, message.clientId)) : undefined;
    if (!registered && message.origin === undefined) return NONE;
    const origins = registered ? [...registered] : [];
    if (message.origin !== undefined && !origins.includes(message.origin)) origins.push(message.origin);
    return origins;
  }
}
