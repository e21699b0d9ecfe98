import type { Logger } from '../log.js';
import { eventsUnavailable } from './metrics.js';

/** A run of failures ends once events are served and none failed for this long (some events may be served while others fail). */
const QUIET_MS = 5000;

/**
 * The events a server could not serve for want of its store or its limits (or while it shut
 * down), told once per change of state: the first such failure is one warning naming its
 * reason, the next event served is one line saying how many were not; in between each is
 * only counted (parley_events_unavailable_total). An outage refuses every event, and a
 * warning with its stack for each would fill the log (hundreds of kilobytes in seconds).
 */
export class UnavailableLog {
  private failures = 0;
  private since = 0;
  private lastFailureAt = 0;

  constructor(private readonly log: Logger) {}

  /** An event was not served because of `error` (StoreUnavailableError, LimitsUnavailableError, ShuttingDownError). */
  failed(error: unknown, context: { readonly event: string; readonly socketId?: string; readonly actor?: string }): void {
    eventsUnavailable.inc({ event: context.event });
    this.lastFailureAt = Date.now();
    if (this.failures++ > 0) return;
    this.since = Date.now();
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    this.log.warn({ reason, ...context }, 'events not served: storage or limits unavailable, or shutting down; counted until served again');
  }

  /** An event was served: ends a run of failures, if there was one and it has gone quiet. Cheap on the hot path. */
  served(): void {
    if (this.failures === 0 || Date.now() - this.lastFailureAt < QUIET_MS) return;
    this.log.info({ notServed: this.failures, forMs: Date.now() - this.since }, 'events served again');
    this.failures = 0;
  }
}
