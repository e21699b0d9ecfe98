import type { Logger } from './log.js';

/** How often the counts are logged, at most. */
const LOG_INTERVAL_MS = 10_000;
/** Distinct keys kept per interval; more are dropped, so a flood of odd names cannot grow it. */
const MAX_KEYS = 1000;

/**
 * Counts repeated events by key (a refusal's reason, an event and its error code) and logs
 * the counts at most once per interval, and not at all while there are none: a flood of
 * thousands of bad requests makes a few log lines, never one each.
 */
export class CountedLog {
  private readonly counts = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly log: Logger,
    private readonly message: string,
    private readonly level: 'info' | 'warn' = 'warn',
  ) {
    this.timer = setInterval(() => this.flush(), LOG_INTERVAL_MS).unref();
  }

  /** One more of `key` (cut to 80 characters). */
  add(key: string): void {
    const cut = key.slice(0, 80);
    if (this.counts.size >= MAX_KEYS && !this.counts.has(cut)) return;
    this.counts.set(cut, (this.counts.get(cut) ?? 0) + 1);
  }

  /** Logs what is left and stops. */
  close(): void {
    clearInterval(this.timer);
    this.flush();
  }

  private flush(): void {
    if (this.counts.size === 0) return;
    this.log[this.level]({ counts: Object.fromEntries(this.counts), intervalMs: LOG_INTERVAL_MS }, this.message);
    this.counts.clear();
  }
}
