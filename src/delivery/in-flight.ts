/**
 * Tracks the messages being stored right now, so that shutdown can stop taking new ones
 * and wait for these to be stored and acknowledged.
 */
export class InFlight {
  private readonly pending = new Set<Promise<unknown>>();
  private closed = false;

  /** False once shutdown began: new work is refused (and left for the client to retry). */
  get accepting(): boolean {
    return !this.closed;
  }

  track<T>(work: Promise<T>): Promise<T> {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work)).catch(() => undefined);
    return work;
  }

  /** Refuses new work and resolves when what was accepted has settled. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}
