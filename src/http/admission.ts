/** How new sessions are let in: the pace, and how long a handshake may be held for its turn. */
export interface AdmissionPace {
  /** New sessions a second, sustained. */
  readonly perSecond: number;
  /** New sessions let in at once after a quiet spell, before the pace applies. */
  readonly burst: number;
  /** The longest a handshake is held for its turn; one that would wait longer is refused. */
  readonly maxWaitMs: number;
}

/** What the pacer decided for one handshake. */
export type Admission =
  | { readonly admitted: true; /** Time held for its turn (0: let in at once). */ readonly waitedMs: number }
  | { readonly admitted: false; /** When to come back, in whole seconds (Retry-After). */ readonly retryAfterSeconds: number };

/**
 * Lets new sessions in at a bounded pace, so that a reconnect storm (a node died, and its
 * clients all come back through the load balancer at once) cannot take the worker's event
 * loop from the people already chatting: each handshake brings identity, presence and a
 * catch-up read, and thousands of them at once would queue every live message behind them.
 *
 * A generic cell rate: each admission reserves the next free turn, `1 / perSecond` after the
 * previous one, with `burst` turns allowed early. A handshake whose turn is not now is held
 * until it comes (deferred, in arrival order, since turns are handed out in order), unless it
 * would wait more than `maxWaitMs`: then it is refused at once with the wait it would have
 * had, rather than held where the client's own timeout would give up on it. Refused
 * handshakes take no turn. O(1) per handshake, one timer per held one.
 */
export class AdmissionPacer {
  /** When the next turn is free, had no burst been allowed (ms, on `clock`'s scale). */
  private nextTurnAt = Number.NEGATIVE_INFINITY;
  private held = 0;
  private perSecond: number;

  constructor(
    private readonly pace: AdmissionPace,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.perSecond = pace.perSecond;
  }

  /** New sessions a second now: `pace.perSecond`, or less while the governor holds it down. */
  get rate(): number {
    return this.perSecond;
  }

  /** Sets the pace of the turns handed out from now on (admission-governor.ts), at most `pace.perSecond`. */
  setRate(perSecond: number): void {
    this.perSecond = Math.max(Number.MIN_VALUE, Math.min(this.pace.perSecond, perSecond));
  }

  /** Handshakes held for their turn now. */
  get waiting(): number {
    return this.held;
  }

  /** Resolves when the handshake may go on, or at once with a refusal. */
  admit(): Promise<Admission> {
    const now = this.clock();
    const interval = 1000 / this.perSecond;
    const earliest = Math.max(now, this.nextTurnAt);
    // The burst: up to `burst - 1` turns ahead of the pace are let in at once.
    const turnAt = Math.max(now, earliest - (this.pace.burst - 1) * interval);
    const waitMs = turnAt - now;
    if (waitMs > this.pace.maxWaitMs) {
      return Promise.resolve({ admitted: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) });
    }
    this.nextTurnAt = earliest + interval;
    if (waitMs <= 0) return Promise.resolve({ admitted: true, waitedMs: 0 });
    this.held += 1;
    return new Promise((resolve) => {
      setTimeout(() => {
        this.held -= 1;
        resolve({ admitted: true, waitedMs: waitMs });
      }, waitMs);
    });
  }
}
