import { machineBusyBetween, machineCpu } from './process-usage.js';

/** Below this share of all cores busy, the machine counts as quiet. */
const QUIET_BUSY = 0.15;
const WINDOW_MS = 2_000;

/**
 * Waits (at most `maxWaitMs`) until the machine has been quiet for a 2 s window, so that
 * a scenario does not start while other work holds the cores. Returns the busy share of
 * the last window; the caller reports it.
 */
export async function waitForQuiet(maxWaitMs: number): Promise<number> {
  const deadline = performance.now() + maxWaitMs;
  for (;;) {
    const before = machineCpu();
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
    const busy = machineBusyBetween(before, machineCpu());
    if (busy < QUIET_BUSY || performance.now() >= deadline) return busy;
  }
}
