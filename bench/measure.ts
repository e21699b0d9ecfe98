import {
  cpuSecondsBetween,
  machineBusyBetween,
  machineCpu,
  snapshot,
  type UsageSnapshot,
} from './process-usage.js';

/** How often resident memory is sampled during a measured window, for its peak. */
const RSS_SAMPLE_MS = 100;

/** What a measured window cost the server, the clients and the machine. */
export interface Usage {
  /** Server CPU seconds (user + system, all its processes) in the window. */
  readonly serverCpuSeconds: number;
  /** CPU seconds of the benchmark's client processes in the window. */
  readonly clientCpuSeconds: number;
  /** Fraction of all cores' time that was busy in the window. */
  readonly machineBusy: number;
  /**
   * CPU seconds of every other process on the machine in the window: whatever else runs
   * there (on a shared box, other people's work). The runner's own CPU is not included.
   */
  readonly otherCpuSeconds: number;
  /** Interrupt (mostly loopback network) and steal seconds of the machine in the window. */
  readonly interruptSeconds: number;
  readonly stealSeconds: number;
  readonly wallSeconds: number;
  /** Server RSS (all processes) at the start, at the end, and the highest sample. */
  readonly rssBefore: number;
  readonly rssAfter: number;
  readonly rssPeak: number;
  /** False when the server's processes could not be read (a `--target` elsewhere). */
  readonly serverVisible: boolean;
}

/**
 * Runs `work` and measures it from the outside: /proc for the server's processes and the
 * client processes, sampled before and after (and RSS every 100 ms, for the peak).
 */
export async function measure<T>(
  serverPids: () => number[],
  clientPids: readonly number[],
  work: () => Promise<T>,
): Promise<{ result: T; usage: Usage }> {
  const serverBefore = snapshot(serverPids());
  const clientsBefore = snapshot(clientPids);
  const machineBefore = machineCpu();
  const runnerBefore = process.cpuUsage();
  const startedAt = performance.now();
  let rssPeak = serverBefore.rssBytes;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, snapshot(serverPids()).rssBytes);
  }, RSS_SAMPLE_MS);
  let result: T;
  try {
    result = await work();
  } finally {
    clearInterval(sampler);
  }
  const serverAfter: UsageSnapshot = snapshot(serverPids());
  const clientsAfter = snapshot(clientPids);
  const machineAfter = machineCpu();
  const runner = process.cpuUsage(runnerBefore);
  const runnerSeconds = (runner.user + runner.system) / 1e6;
  const serverCpuSeconds = cpuSecondsBetween(serverBefore, serverAfter);
  const clientCpuSeconds = cpuSecondsBetween(clientsBefore, clientsAfter);
  const usage: Usage = {
    serverCpuSeconds,
    clientCpuSeconds,
    machineBusy: machineBusyBetween(machineBefore, machineAfter),
    otherCpuSeconds: Math.max(
      0,
      machineAfter.processSeconds - machineBefore.processSeconds - serverCpuSeconds - clientCpuSeconds - runnerSeconds,
    ),
    interruptSeconds: machineAfter.interruptSeconds - machineBefore.interruptSeconds,
    stealSeconds: machineAfter.stealSeconds - machineBefore.stealSeconds,
    wallSeconds: (performance.now() - startedAt) / 1000,
    rssBefore: serverBefore.rssBytes,
    rssAfter: serverAfter.rssBytes,
    rssPeak: Math.max(rssPeak, serverAfter.rssBytes),
    serverVisible: serverBefore.processes > 0,
  };
  return { result, usage };
}
