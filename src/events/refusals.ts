import type { Logger } from '../log.js';

/** How often the counts of refused events are logged. */
const REPORT_MS = 10_000;

/**
 * Counts refused events by event and code and logs the counts every few seconds, never a
 * line per refusal: a client that floods bad events must not flood the logs too.
 */
export class RefusalCounts {
  private counts = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly log: Logger) {
    this.timer = setInterval(() => this.report(), REPORT_MS);
    this.timer.unref();
  }

  /** One refusal of `event` with `code` (event names are cut, so a key cannot grow without bound). */
  note(event: string, code: string): void {
    const key = `${event.slice(0, 40)} ${code}`;
    if (this.counts.size >= 1000 && !this.counts.has(key)) return;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** Logs what was counted since the last report, if anything. */
  report(): void {
    if (this.counts.size === 0) return;
    this.log.info({ refused: Object.fromEntries(this.counts) }, 'events refused');
    this.counts = new Map();
  }

  close(): void {
    clearInterval(this.timer);
    this.report();
  }
}
