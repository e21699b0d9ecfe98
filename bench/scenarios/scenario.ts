import path from 'node:path';
import type { AttackName } from '../attack/protocol.js';
import { createBenchDatabase } from '../postgres-database.js';
import { startTwoNodes } from '../two-nodes.js';
import { attachTarget, startBareSocketIo, startParley, startRawWs, tempDir, type ServerUnderTest } from '../server-process.js';

/** What the command line chose, for every scenario. */
export interface BenchOptions {
  /** An already running Parley to drive instead of starting one per scenario. */
  readonly target: string | undefined;
  /** Parley worker processes when the benchmark starts the server. */
  readonly workers: number;
  /** Length of each scenario's sending phase, in seconds. */
  readonly durationSeconds: number;
  /** Processes the simulated clients are spread over; undefined: the scenario's own default. */
  readonly clientProcesses: number | undefined;
  /** If set, Parley servers started here write V8 CPU profiles into this folder. */
  readonly profileDir: string | undefined;
  /** idle-memory and connect-rate: connections to open; undefined: each scenario's default (5,000). */
  readonly connections: number | undefined;
  /** Also measure the bare Socket.IO baseline (socketio-server.ts) on the same load. */
  readonly socketioBaseline: boolean;
  /** The attacks the under-attack scenario runs together (all three unless the command line narrows them). */
  readonly attacks: readonly AttackName[];
  /** under-attack's `data` attack: the seeded history, in percent of the size the attacks were found at (100). */
  readonly dataPercent: number;
  /** reconnect-storm: the clients that connect through nginx (half of them lose their node). */
  readonly stormClients: number;
  /**
   * The deployment a Parley started here is: one node on a fresh SQLite file, one node on a
   * fresh PostgreSQL database, or two nodes on a fresh PostgreSQL database and Redis (a
   * fresh key prefix), with the clients spread over both.
   */
  readonly database: Deployment;
}

export const DEPLOYMENTS = ['sqlite', 'postgres', 'two-nodes'] as const;
export type Deployment = (typeof DEPLOYMENTS)[number];

/** How a deployment is named in the report. */
export const DEPLOYMENT_TITLES: Readonly<Record<Deployment, string>> = {
  sqlite: 'one node, SQLite',
  postgres: 'one node, PostgreSQL',
  'two-nodes': 'two nodes, PostgreSQL + Redis',
};

/** One line of a scenario's table. Empty strings are blank cells. */
export interface Row {
  readonly metric: string;
  readonly parley: string;
  /** The number `parley` shows, where it is one: what other deployments' figures are compared with. */
  readonly value?: number;
  /** The bare Socket.IO baseline, when measured. */
  readonly socketio?: string;
  readonly raw?: string;
  /** Parley over raw ws. */
  readonly ratio?: string;
  /** Parley over bare Socket.IO. */
  readonly socketioRatio?: string;
  readonly target?: string;
  /** Whether the target is met; undefined when the row has no target. */
  readonly met?: boolean;
}

export interface ScenarioReport {
  readonly name: string;
  readonly title: string;
  readonly rows: readonly Row[];
  readonly notes: readonly string[];
  /** Titles of the value columns when they are not Parley beside raw ws (under-attack). */
  readonly columns?: { readonly parley: string; readonly raw: string; readonly ratio: string };
}

export interface Scenario {
  readonly name: string;
  /** The scenario starts a deployment of its own whatever --deployments says (reconnect-storm: two nodes behind nginx). */
  readonly ownDeployment?: boolean;
  readonly run: (options: BenchOptions) => Promise<ScenarioReport>;
}

/**
 * The Parley server of one scenario: the `--target`, or a fresh deployment (see
 * BenchOptions.database) whose database is dropped when it stops. `env` adds server settings (ignored for a target).
 * `prepare`, if given, gets the fresh database's URL before the server starts (ignored for a target).
 */
export async function openParley(
  options: BenchOptions,
  env: Readonly<Record<string, string>> = {},
  prepare?: (databaseUrl: string) => Promise<void>,
): Promise<ServerUnderTest> {
  if (options.target !== undefined) return attachTarget(options.target);
  const nodeArgs = options.profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`];
  if (options.database === 'sqlite') {
    const databaseUrl = `sqlite:${path.join(tempDir('parley-bench-'), 'parley.db')}`;
    await prepare?.(databaseUrl);
    return startParley({ workers: options.workers, databaseUrl, env, nodeArgs });
  }
  const database = await createBenchDatabase();
  try {
    await prepare?.(database.url);
    const server =
      options.database === 'two-nodes'
        ? await startTwoNodes({ workers: options.workers, databaseUrl: database.url, env, nodeArgs })
        : await startParley({ workers: options.workers, databaseUrl: database.url, env, nodeArgs });
    return {
      ...server,
      stop: async () => {
        try {
          await server.stop();
        } finally {
          await database.drop();
        }
      },
    };
  } catch (error) {
    await database.drop().catch(() => undefined);
    throw error;
  }
}

/** The raw ws ceiling of one scenario, always a fresh local process. */
export function openRawWs(): Promise<ServerUnderTest> {
  return startRawWs();
}

/** The bare Socket.IO baseline of one scenario, always a fresh local process. */
export function openBareSocketIo(): Promise<ServerUnderTest> {
  return startBareSocketIo();
}

/** Runs `work` against `server`, and stops the server whatever happens. */
export async function using<T>(server: Promise<ServerUnderTest>, work: (server: ServerUnderTest) => Promise<T>): Promise<T> {
  const running = await server;
  try {
    return await work(running);
  } finally {
    await running.stop();
  }
}
