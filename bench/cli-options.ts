import path from 'node:path';
import { parseArgs } from 'node:util';
import { ATTACK_NAMES, type AttackName } from './attack/protocol.js';
import { DEPLOYMENTS, type BenchOptions, type Deployment } from './scenarios/scenario.js';

export const SCENARIO_NAMES = ['busy-room', 'durable-writes', 'fan-out', 'idle-memory', 'connect-rate', 'catch-up', 'under-attack', 'search', 'reconnect-storm'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** The scenarios a full run measures on every deployment; the others run on the first one only. */
export const EVERY_DEPLOYMENT: readonly ScenarioName[] = ['busy-room', 'durable-writes', 'search'];

export interface CliOptions extends Omit<BenchOptions, 'database'> {
  readonly scenarios: readonly ScenarioName[];
  /** The deployments to measure, in order (`--deployments`, or `--database` for one). */
  readonly deployments: readonly Deployment[];
  /** Also write the report, as Markdown, to this file. */
  readonly out: string | undefined;
  /** Longest wait, before each scenario, for the machine to be quiet. */
  readonly waitQuietSeconds: number;
}

export const USAGE = `npm run bench -- [options]

  --scenario <name>        run only this scenario (repeatable, or comma-separated):
                           ${SCENARIO_NAMES.join(', ')}  (default: all)
  --target <url>           drive a running Parley at http://127.0.0.1:<port> instead of
                           starting one per scenario (its CPU and memory are read from
                           /proc when its processes are visible)
  --duration <seconds>     sending phase of each traffic scenario (default 10)
  --client-processes <n>   processes the simulated clients are spread over (default 1;
                           catch-up 2, as one process alone cannot take its events in 3 s)
  --workers <n>            Parley workers when the benchmark starts the server (default 2)
  --connections <n>        idle-memory and connect-rate: connections to open (default
                           5,000 each; up to 200,000). Above 5,000 idle-memory's clients
                           are the lean Socket.IO client, and held past a heartbeat; above
                           20,000 they are spread over several loopback source addresses;
                           the open-file limit is raised to fit (above the hard limit this
                           needs CAP_SYS_RESOURCE)
  --wait-quiet <seconds>   before each scenario, wait up to this long for the machine to
                           be under 15 % busy for 2 s (default 60; 0 = do not wait)
  --socketio-baseline      also measure a bare Socket.IO server (one process, no storage)
                           on the same load, as a third column
  --attacks <list>         under-attack only: the attacks to run together, comma-separated:
                           ${ATTACK_NAMES.join(', ')}  (default: all four)
  --data-scale <percent>   under-attack's data attack: the history seeded, in percent of
                           150,000 messages in general, 50,000 in direct rooms and 20,000
                           members (default 100)
  --storm-clients <n>      reconnect-storm only: clients through nginx (default 20000;
                           the open-file limit must be raised for it, see docs/benchmarks.md)
  --deployments <list>     the deployments a Parley started here runs as, comma-separated
                           (default: ${DEPLOYMENTS.join(',')}):
                             sqlite     one node on a fresh SQLite file
                             postgres   one node on a fresh database on PostgreSQL at
                                        PARLEY_BENCH_POSTGRES_URL (default the local server
                                        as postgres@127.0.0.1:5432)
                             two-nodes  two nodes on a fresh PostgreSQL database and Redis
                                        at PARLEY_BENCH_REDIS_URL (default 127.0.0.1:6379,
                                        a fresh key prefix), the --workers split between
                                        them, clients spread over both
                           ${EVERY_DEPLOYMENT.join(' and ')} run on each, in the same run, and are
                           compared at the end; the other scenarios on the first only
  --database <name>        the same as --deployments <name> (one deployment)
  --out <file>             also write the report as Markdown to <file>
  --profile <dir>          write a V8 CPU profile of each Parley process (primary and
                           workers) into <dir> when it stops (node --cpu-prof)
  --help`;

/** Parses the command line; throws an Error with a message fit for the user. */
export function parseCli(argv: readonly string[]): CliOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      scenario: { type: 'string', multiple: true },
      target: { type: 'string' },
      duration: { type: 'string', default: '10' },
      'client-processes': { type: 'string' },
      workers: { type: 'string', default: '2' },
      connections: { type: 'string' },
      out: { type: 'string' },
      profile: { type: 'string' },
      'wait-quiet': { type: 'string', default: '60' },
      'socketio-baseline': { type: 'boolean', default: false },
      attacks: { type: 'string', default: ATTACK_NAMES.join(',') },
      'data-scale': { type: 'string', default: '100' },
      'storm-clients': { type: 'string', default: '20000' },
      deployments: { type: 'string' },
      database: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const scenarios = (values.scenario ?? [...SCENARIO_NAMES]).flatMap((value) => value.split(',')).map((name) => name.trim());
  for (const name of scenarios) {
    if (!(SCENARIO_NAMES as readonly string[]).includes(name)) throw new Error(`unknown scenario '${name}'; one of: ${SCENARIO_NAMES.join(', ')}`);
  }
  if (values.database !== undefined && values.deployments !== undefined) throw new Error('give --deployments or --database, not both');
  const deployments = (values.database ?? values.deployments ?? DEPLOYMENTS.join(','))
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  for (const name of deployments) {
    if (!(DEPLOYMENTS as readonly string[]).includes(name)) throw new Error(`unknown deployment '${name}'; one of: ${DEPLOYMENTS.join(', ')}`);
  }
  if (deployments.length === 0) throw new Error('--deployments names none');
  return {
    scenarios: scenarios as ScenarioName[],
    deployments: [...new Set(deployments)] as Deployment[],
    target: values.target === undefined ? undefined : localTarget(values.target),
    durationSeconds: number('--duration', values.duration, 1, 600),
    clientProcesses: values['client-processes'] === undefined ? undefined : number('--client-processes', values['client-processes'], 1, 16),
    workers: number('--workers', values.workers, 1, 64),
    connections: values.connections === undefined ? undefined : number('--connections', values.connections, 100, 200_000),
    out: values.out,
    socketioBaseline: values['socketio-baseline'] ?? false,
    waitQuietSeconds: number('--wait-quiet', values['wait-quiet'], 0, 3600),
    profileDir: values.profile === undefined ? undefined : path.resolve(values.profile),
    attacks: attackList(values.attacks ?? ''),
    dataPercent: number('--data-scale', values['data-scale'], 1, 100),
    stormClients: number('--storm-clients', values['storm-clients'], 10, 200_000),
  };
}

function attackList(text: string): AttackName[] {
  const names = text.split(',').map((name) => name.trim()).filter((name) => name !== '');
  for (const name of names) {
    if (!(ATTACK_NAMES as readonly string[]).includes(name)) throw new Error(`unknown attack '${name}'; one of: ${ATTACK_NAMES.join(', ')}`);
  }
  if (names.length === 0) throw new Error(`--attacks needs at least one of: ${ATTACK_NAMES.join(', ')}`);
  return [...new Set(names)] as AttackName[];
}

function number(flag: string, text: string | undefined, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${flag} must be a whole number from ${min} to ${max}`);
  return value;
}

/** The benchmark only ever sends traffic to this machine. */
function localTarget(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`--target must be a URL such as http://127.0.0.1:3000, not '${text}'`);
  }
  if (url.protocol !== 'http:' || !['127.0.0.1', 'localhost'].includes(url.hostname) || url.port === '') {
    throw new Error('--target must be http://127.0.0.1:<port>: the benchmark only drives a server on this machine');
  }
  return `http://127.0.0.1:${url.port}`;
}
