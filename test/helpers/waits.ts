// Every wait of the tests says what it waits for. Where a condition can be polled, poll it
// (`eventually`, or a page's own wait); where time itself is what a test needs, one of the
// named pauses below says why. `NODE_DEBUG=parley-waits` prints each pause as it starts.
import { debuglog } from 'node:util';

const log = debuglog('parley-waits');

const pause = (ms: number, kind: string, what: string): Promise<void> => {
  log('%s %d ms: %s', kind, Math.round(ms), what);
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
};

/** Polls `condition` every 10 ms until true; rejects after `timeoutMs` with `what`. */
export async function eventually(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Gives what must not happen `ms` to happen anyway (a late duplicate, a notice, an event to
 * a tab that left): the assertions that follow check that it did not. `what` names it.
 */
export function quietFor(ms: number, what: string): Promise<void> {
  return pause(ms, 'quiet for', what);
}

/**
 * Lets `ms` go by because time is the subject: traffic runs for a while, a grace period, a
 * rate window or a timer of the code under test runs out, a process gets time to die or
 * come back. `what` says which.
 */
export function letTimePass(ms: number, what: string): Promise<void> {
  return pause(ms, 'time passes', what);
}

/** The pause between two rounds of a loop that keeps traffic going or polls by itself. */
export function pace(ms: number, what: string): Promise<void> {
  return pause(ms, 'pace', what);
}

/** A random pause of `minMs` to `minMs + spreadMs`, so that concurrent clients do not move in lock-step. */
export function jitter(spreadMs: number, minMs = 0): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, minMs + Math.random() * spreadMs));
}
