import type { Logger } from '../log.js';

/** How often counted refusals are logged, at most. */
const LOG_INTERVAL_MS = 10_000;

/**
 * Counts refusals by reason and logs the counts at most once per interval, and not at all
 * while there are none: an attack of thousands of connections makes a few log lines.
 */
export class RefusalCounts {
  private readonly counts = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly log: Logger,
    private readonly message: string,
  ) {
    this.timer = setInterval(() => this.flush(), LOG_INTERVAL_MS).unref();
  }

  add(reason: string): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
  }

  close(): void {
    clearInterval(this.timer);
    this.flush();
  }

  private flush(): void {
    if (this.counts.size === 0) return;
    this.log.warn({ refused: Object.fromEntries(this.counts), intervalMs: LOG_INTERVAL_MS }, this.message);
    this.counts.clear();
  }
}
