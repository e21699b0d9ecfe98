/**
 * How fast presence reacts, and therefore how long a crashed server can leave ghosts.
 * The bound is documented in the README ("Who is online"); change both together.
 */
export interface PresenceTimings {
  /**
   * The coordinator's clock: it tells the others it leads, and sweeps at once when the
   * adapter's count of servers changes (a dead server was dropped, one joined).
   */
  readonly tickMs: number;
  /** With no change seen, the coordinator still compares the cluster with what it announced this often. */
  readonly idleSweepMs: number;
  /** A change is looked at after this delay, so that a burst costs one sweep. */
  readonly changeDelayMs: number;
  /** Sweeps ask every server for every user: under churn they start at most this often. */
  readonly minSweepGapMs: number;
  /**
   * A user must be absent this long before `left`/`offline` is announced, so a page reload
   * or a reconnect to another worker is not announced as leaving and joining again.
   */
  readonly leaveGraceMs: number;
  /**
   * A server that has heard nothing from an older server for this long takes over as the
   * coordinator; a starting server waits this long before it may lead.
   */
  readonly leaderTimeoutMs: number;
  /**
   * A starting server says hello and leads at once unless an older server answers within
   * this bound, so that a deployment (or a restarted coordinator) is never long without one.
   */
  readonly startProbeMs: number;
}

export const DEFAULT_PRESENCE_TIMINGS: PresenceTimings = Object.freeze({
  tickMs: 1000,
  idleSweepMs: 3000,
  changeDelayMs: 50,
  minSweepGapMs: 500,
  leaveGraceMs: 1500,
  leaderTimeoutMs: 3000,
  startProbeMs: 400,
});

/** Typing indicators: never stored, so they must expire on their own. */
export interface TypingTimings {
  /** A typist who sends nothing for this long is announced as stopped. */
  readonly expireMs: number;
  /** A continuing typist is re-announced at most this often (receivers expire it too). */
  readonly rebroadcastMs: number;
}

export const DEFAULT_TYPING_TIMINGS: TypingTimings = Object.freeze({
  expireMs: 5000,
  rebroadcastMs: 1000,
});
