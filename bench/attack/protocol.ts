/**
 * The messages between the benchmark runner (attackers.ts) and its attacker process
 * (attack-worker.ts). Each command gets exactly one reply of the matching type.
 */

/** The attacks of the under-attack scenario. */
export const ATTACK_NAMES = ['slow', 'flood', 'login', 'data'] as const;
export type AttackName = (typeof ATTACK_NAMES)[number];

/** Slow connections: TCP connections that send their request line one byte at a time. */
export interface SlowPlan {
  /** Connections kept open at once (each reopened when it is cut). */
  readonly connections: number;
  /** Source addresses (127.0.0.x), used in turn. */
  readonly addresses: readonly string[];
  /** Pause between two bytes of one connection. */
  readonly byteIntervalMs: number;
  /** New connections begun per 100 ms while ramping up, so the ramp is not one SYN burst. */
  readonly rampPer100Ms: number;
}

/** Event flood: socket.io connections that emit refused and cheap events as fast as they can. */
export interface FloodPlan {
  readonly connections: number;
  readonly address: string;
  /** Events awaiting their answer per connection; the next is emitted as one is answered. */
  readonly inFlight: number;
  /** Bound on the events of one flood connection slot, over all its reconnections. */
  readonly maxEvents: number;
}

/** Login guessing: wrong passwords for a real account, the next as soon as one is answered. */
export interface LoginPlan {
  /** One connection per address. */
  readonly addresses: readonly string[];
  /** Where the account is registered from, and where its owner logs in during the attack. */
  readonly ownerAddress: string;
  readonly maxAttemptsPerConnection: number;
}

/**
 * Work that grew with the data (issue 22, item 10), each paced within its limits, against
 * a history seeded to the size the attacks were found at (seed-data.ts).
 */
export interface DataPlan {
  /** The address of the attacker's four guests (search, reactions, mentions, completions). */
  readonly address: string;
  /** The address fresh guests come from, one new session each. */
  readonly guestAddress: string;
  /** `general`. */
  readonly roomId: number;
  /** Reactions pick a message among offsets 1 to this: the seeded history. */
  readonly oldestMessages: number;
  readonly secretWord: string;
  /** The members one message names. */
  readonly memberNames: readonly string[];
  readonly searchesPerSecond: number;
  readonly reactionsPerSecond: number;
  readonly mentionsPerSecond: number;
  readonly completionsPerSecond: number;
  readonly guestsPerSecond: number;
}

export interface AttackPlan {
  readonly url: string;
  readonly attacks: readonly AttackName[];
  /** Every attack stops by itself after this, even if no `stop` comes. */
  readonly maxMs: number;
  readonly slow: SlowPlan;
  readonly flood: FloodPlan;
  readonly login: LoginPlan;
  readonly data: DataPlan;
}

export interface SlowReport {
  /** Connections open at once at their peak, and at the moment the attack stopped. */
  readonly peakOpen: number;
  readonly opened: number;
  /** Answered `503` at once (a pending-connection cap). */
  readonly refused: number;
  /** Closed by the server without an answer (the request-line deadline). */
  readonly cut: number;
  /** Connections that never connected. */
  readonly errors: number;
  /** Shortest and longest time a cut connection was held open, in ms. */
  readonly heldMinMs: number;
  readonly heldMaxMs: number;
}

export interface FloodReport {
  readonly emitted: number;
  /** Answers by outcome: `ok`, or the error code (`RATE_LIMITED`, `UNKNOWN_EVENT`, ...). */
  readonly answers: Record<string, number>;
  /** Events that got no answer (their connection was closed, or 5 s passed). */
  readonly unanswered: number;
  readonly connectionsOpened: number;
  /** Connections the server closed (too many refusals). */
  readonly closedByServer: number;
  readonly connectFailures: number;
}

export interface LoginReport {
  readonly attempts: number;
  /** Answers by outcome: `INVALID_CREDENTIALS` (a password was checked), `RATE_LIMITED`, ... */
  readonly answers: Record<string, number>;
  readonly unanswered: number;
  /** The account owner's own login, from its own address, near the end of the attack. */
  readonly ownerLogin: { readonly ok: boolean; readonly outcome: string; readonly ms: number };
}

/** One paced request of the data attack and how it was answered. */
export interface DataStep {
  readonly what: string;
  readonly perSecond: number;
  readonly sent: number;
  readonly unanswered: number;
  readonly answers: Record<string, number>;
  /** The attacker's own wait for an answer. */
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface DataReport {
  readonly steps: readonly DataStep[];
  readonly guestsOpened: number;
}

export interface AttackReport {
  readonly slow?: SlowReport;
  readonly flood?: FloodReport;
  readonly login?: LoginReport;
  readonly data?: DataReport;
  /** From start to stop, in ms. */
  readonly durationMs: number;
  /** The attacker process's own CPU over that time, in seconds. */
  readonly cpuSeconds: number;
}

export type AttackCommand = { readonly type: 'start'; readonly plan: AttackPlan } | { readonly type: 'stop' };

export type AttackReply =
  | { readonly type: 'started' }
  | { readonly type: 'report'; readonly report: AttackReport }
  | { readonly type: 'error'; readonly message: string };
