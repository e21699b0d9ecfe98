/**
 * The largest V8 semi-space of a worker, in MiB (`--max-semi-space-size`). Node 20 lets a
 * process's young generation grow to 16 MiB per semi-space; a burst of connections grows it
 * there at once, and the grown space stays resident: 16.8 MB more in each process, about
 * 10 KB of the resident memory per idle connection at 5,000 connections over three processes
 * (bench idle-memory). A worker's per-event garbage fits in far less. The price is more
 * frequent scavenges (see docs/benchmarks.md for the throughput measured with it).
 */
export const WORKER_SEMI_SPACE_MIB = 4;

const SEMI_SPACE_FLAG = /^--max[-_]semi[-_]space[-_]size(=|$)/;

/**
 * The Node options of a worker: the primary's own, plus the semi-space limit unless the
 * primary was started with one (`node --max-semi-space-size=N dist/cluster.js`), which
 * then applies to the workers as well.
 */
export function workerExecArgv(primaryExecArgv: readonly string[]): string[] {
  if (primaryExecArgv.some((arg) => SEMI_SPACE_FLAG.test(arg))) return [...primaryExecArgv];
  return [...primaryExecArgv, `--max-semi-space-size=${WORKER_SEMI_SPACE_MIB}`];
}
