import fs from 'node:fs';
import os from 'node:os';
import { EVERY_DEPLOYMENT, parseCli, USAGE, type ScenarioName } from './cli-options.js';
import { openFileLimit } from './process-usage.js';
import { waitForQuiet } from './quiet.js';
import { renderDeployments, renderScenario, renderTargets } from './report.js';
import { busyRoom } from './scenarios/busy-room.js';
import { catchUp } from './scenarios/catch-up.js';
import { connectRate } from './scenarios/connect-rate.js';
import { durableWrites } from './scenarios/durable-writes.js';
import { fanOut } from './scenarios/fan-out.js';
import { idleMemory } from './scenarios/idle-memory.js';
import { reconnectStorm } from './scenarios/reconnect-storm.js';
import { search } from './scenarios/search.js';
import { underAttack } from './scenarios/under-attack.js';
import { DEPLOYMENT_TITLES, type Deployment, type Scenario, type ScenarioReport } from './scenarios/scenario.js';

/**
 * `npm run bench`: drives Parley (and, on the same load, a raw ws ceiling) with real
 * clients and prints one table per scenario. See docs/benchmarks.md.
 */
const scenarios: Record<ScenarioName, Scenario> = {
  'busy-room': busyRoom,
  'durable-writes': durableWrites,
  'fan-out': fanOut,
  'idle-memory': idleMemory,
  'connect-rate': connectRate,
  'catch-up': catchUp,
  'under-attack': underAttack,
  search,
  'reconnect-storm': reconnectStorm,
};
/**
 * The whole run never takes longer than this; servers and clients it started go with it.
 * A run with more than 20,000 connections (--connections) gets 90 minutes.
 */
const watchdogMs = (connections: number | undefined): number => ((connections ?? 0) > 20_000 ? 90 : 30) * 60_000;

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
    console.error(`bench: still running after ${watchdogMs(cli.connections) / 60_000} min; giving up`);
    process.exit(3);
  }, watchdogMs(cli.connections));
  watchdog.unref();

  const header = [
    '## Parley benchmark',
    '',
    machine(),
    `- Command: npm run bench -- ${process.argv.slice(2).join(' ')}`.trimEnd(),
    `- Server: ${cli.target ?? `Parley, ${cli.workers} workers in all, fresh database per scenario; deployments: ${cli.deployments.map((deployment) => DEPLOYMENT_TITLES[deployment]).join('; ')}`}; ceiling: raw ws, 1 process; clients: ${cli.clientProcesses ?? '1 (catch-up: 2)'} process(es), websocket transport`,
    '',
  ].join('\n');
  console.log(header);
  const reports: ScenarioReport[] = [];
  let failed = 0;
  const compared: { deployment: Deployment; report: ScenarioReport }[] = [];
  for (const name of cli.scenarios) {
    // A --target is one deployment already; otherwise the compared scenarios run on each.
    const deployments = cli.target === undefined && EVERY_DEPLOYMENT.includes(name) ? cli.deployments : cli.deployments.slice(0, 1);
    for (const deployment of deployments) {
      const startedAt = performance.now();
      const busy = cli.waitQuietSeconds > 0 ? await waitForQuiet(cli.waitQuietSeconds * 1000) : Number.NaN;
      const labelled = cli.target === undefined && scenarios[name].ownDeployment !== true;
      const on = labelled ? ` on ${DEPLOYMENT_TITLES[deployment]}` : '';
      console.log(`(running ${name}${on}; machine ${Number.isFinite(busy) ? `${Math.round(busy * 100)} % busy` : 'not checked'} just before)`);
      try {
        const measured = await scenarios[name].run({ ...cli, database: deployment });
        const report =
          labelled ? { ...measured, name: `${measured.name} [${deployment}]`, title: `${measured.title} (${DEPLOYMENT_TITLES[deployment]})` } : measured;
        reports.push(report);
        if (deployments.length > 1) compared.push({ deployment, report });
        console.log(renderScenario(report));
        console.log(`(${name}${on} took ${((performance.now() - startedAt) / 1000).toFixed(0)} s)\n`);
      } catch (error) {
        failed += 1;
        console.error(`${name}${on} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      }
    }
  }
  const summary = [renderDeployments(compared), renderTargets(reports, compared)].filter((text) => text !== '').join('\n');
  console.log(summary);
  if (cli.out !== undefined) {
    fs.writeFileSync(cli.out, [header, ...reports.map(renderScenario), summary].join('\n'));
  }
  return failed === 0 ? 0 : 1;
}

process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));
process.exitCode = await main();
