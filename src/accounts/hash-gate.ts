/** Too many password hashes are running and waiting in this process: answered UNAVAILABLE. */
export class HashQueueFullError extends Error {
  override readonly name = 'HashQueueFullError';
}

/**
 * Runs at most `concurrency` tasks at once, queueing at most `queueLimit` more in arrival
 * order; a task past that is refused at once with HashQueueFullError (a bounded wait
 * rather than an unbounded pile of 128 MiB hashes).
 */
export class HashGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly queueLimit: number,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.queueLimit) throw new HashQueueFullError('too many password checks at once');
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await task();
    } finally {
      // The slot passes straight to the next waiter, so `running` never drops below the queue's need.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
