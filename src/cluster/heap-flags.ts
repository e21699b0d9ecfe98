/**
 * V8 flags every Parley process runs with: workers get them from the primary (node:cluster
 * `execArgv`), the primary from `npm start` (package.json), which must say the same.
 *
 * `--max-semi-space-size` caps the young generation. V8 grows it to 16 MB per semi-space
 * (up to 48 MB committed) when a process allocates fast, as each worker and the primary
 * do while thousands of connections arrive, and keeps it. Measured on 2 workers with 5,000
 * idle connections: 37 KB of resident memory per connection with the default, 24 to 27 KB
 * with a cap of 1 to 4 MB (docs/benchmarks.md). 4 MB keeps scavenges rare under load.
 */
export const NODE_HEAP_FLAGS: readonly string[] = ['--max-semi-space-size=4', '--expose-gc'];

/**
 * `--expose-gc` (above) lets the primary and each worker collect their garbage once a burst
 * of connections is over (./burst-collector.ts); nothing else calls `gc`.
 *
 * V8 flags of the primary alone (`npm start` passes them; workers do not get them): none
 * since the workers collect after bursts too (issue 24).
 */
export const PRIMARY_ONLY_FLAGS: readonly string[] = [];
