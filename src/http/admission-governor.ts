import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { AdmissionPacer } from './admission.js';

/** How often the event loop's delay is read and the pace adjusted. */
const INTERVAL_MS = 250;
/** The period of the timer whose lateness is the event loop's delay. */
const RESOLUTION_MS = 10;
/** The pace never falls below this share of its ceiling, so a storm always drains. */
const FLOOR_SHARE = 0.1;
/** Each quiet interval gives back this share of the ceiling (from the floor to the ceiling in about 5 s). */
const STEP_SHARE = 0.05;

export interface AdmissionGovernor {
  /** Stops reading the event loop (shutdown). */
  stop(): void;
}

/**
 * Holds the admission pace down while this worker's event loop is late, so that new
 * sessions get the time the people already chatting do not need, and no more: a fixed pace
 * is either above what a busy worker can take (a storm then queues every live message
 * behind handshakes and their catch-ups) or below what an idle one could. Every 250 ms:
 * when the loop's p99 delay over the interval passed `lagTargetMs`, the pace is halved (to a
 * floor of 10 % of PARLEY_ADMISSION_RATE); otherwise it climbs back by 5 % of it. Handshakes
 * beyond the pace wait their turn or are refused with Retry-After (admission.ts), and come
 * back with their clients' back-off.
 */
export function governAdmission(pacer: AdmissionPacer, lagTargetMs: number): AdmissionGovernor {
  const ceiling = pacer.rate;
  const floor = Math.max(1, ceiling * FLOOR_SHARE);
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  delay.enable();
  const timer = setInterval(() => {
    // The histogram holds the timer's whole period; lateness is what exceeds it.
    const lateMs = delay.percentile(99) / 1e6 - RESOLUTION_MS;
    delay.reset();
    if (lateMs > lagTargetMs) pacer.setRate(Math.max(floor, pacer.rate / 2));
    else if (pacer.rate < ceiling) pacer.setRate(pacer.rate + ceiling * STEP_SHARE);
  }, INTERVAL_MS);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      delay.disable();
    },
  };
}
