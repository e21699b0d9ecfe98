/**
 * How far this tab has followed one room. `contiguous` is the highest offset up to which
 * every event has been seen (received, or acknowledged to this tab as its own); it is what
 * the handshake's `auth.rooms` sends, so a reconnect resumes exactly after it.
 *
 * Offsets above it arrive out of order only because the sending tab gets no echo: its own
 * message's offset comes in the acknowledgement, possibly after later events of others.
 */
export class RoomProgress {
  private readonly ahead = new Set<number>();

  constructor(public contiguous: number) {}

  /** Records `offset`; false when it was seen before (a replay after a reconnect). */
  take(offset: number): boolean {
    if (!Number.isSafeInteger(offset) || offset <= this.contiguous || this.ahead.has(offset)) return false;
    this.ahead.add(offset);
    while (this.ahead.delete(this.contiguous + 1)) this.contiguous += 1;
    return true;
  }
}
