import fs from 'node:fs';
import os from 'node:os';
import { parseCli, USAGE, type ScenarioName } from './cli-options.js';
import { openFileLimit } from './process-usage.js';
import { waitForQuiet } from './quiet.js';
import { renderScenario, renderTargets } from './report.js';
import { busyRoom } from './scenarios/busy-room.js';
import { catchUp } from './scenarios/catch-up.js';
import { durableWrites } from './scenarios/durable-writes.js';
import { fanOut } from './scenarios/fan-out.js';
import { idleMemory } from './scenarios/idle-memory.js';
import { underAttack } from './scenarios/under-attack.js';
import type { Scenario, ScenarioReport } from './scenarios/scenario.js';

/**
 * `npm run bench`: drives Parley (and, on the same load, a raw ws ceiling) with real
 * clients and prints one table per scenario. See docs/benchmarks.md.
 */
const scenarios: Record<ScenarioName, Scenario> = {
  'busy-room': busyRoom,
  'durable-writes': durableWrites,
  'fan-out': fanOut,
  'idle-memory': idleMemory,
  'catch-up': catchUp,
  'under-attack': underAttack,
};
/** The whole run never takes longer than this; servers and clients it started go with it. */
const WATCHDOG_MS = 30 * 60_000;

function machine(): string {
  const cpus = os.cpus();
  return [
    `- Machine: ${os.availableParallelism()} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GB RAM, ${os.type()} ${os.release()}`,
    `- Node ${process.version}; open-file limit ${openFileLimit() ?? 'unknown'}`,
    '',
  ].join('\n');
}

async function main(): Promise<number> {
  let cli;
  try {
    cli = parseCli(process.argv.slice(2));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (cli === 'help') {
    console.log(USAGE);
    return 0;
  }
  const watchdog = setTimeout(() => {
    console.error(`bench: still running after ${WATCHDOG_MS / 60_000} min; giving up`);
    process.exit(3);
  }, WATCHDOG_MS);
  watchdog.unref();

  const header = [
    '## Parley benchmark',
    '',
    machine(),
    `- Command: npm run bench -- ${process.argv.slice(2).join(' ')}`.trimEnd(),
    `- Server: ${cli.target ?? `Parley cluster, ${cli.workers} workers, fresh ${cli.database === 'postgres' ? 'PostgreSQL database' : 'SQLite file'} per scenario`}; ceiling: raw ws, 1 process; clients: ${cli.clientProcesses ?? '1 (catch-up: 2)'} process(es), websocket transport`,
    '',
  ].join('\n');
  console.log(header);
  const reports: ScenarioReport[] = [];
  let failed = 0;
  for (const name of cli.scenarios) {
    const startedAt = performance.now();
    const busy = cli.waitQuietSeconds > 0 ? await waitForQuiet(cli.waitQuietSeconds * 1000) : Number.NaN;
    console.log(`(running ${name}; machine ${Number.isFinite(busy) ? `${Math.round(busy * 100)} % busy` : 'not checked'} just before)`);
    try {
      const report = await scenarios[name].run(cli);
      reports.push(report);
      console.log(renderScenario(report));
      console.log(`(${name} took ${((performance.now() - startedAt) / 1000).toFixed(0)} s)\n`);
    } catch (error) {
      failed += 1;
      console.error(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
  }
  const summary = renderTargets(reports);
  console.log(summary);
  if (cli.out !== undefined) {
    fs.writeFileSync(cli.out, [header, ...reports.map(renderScenario), summary].join('\n'));
  }
  return failed === 0 ? 0 : 1;
}

process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));
process.exitCode = await main();
