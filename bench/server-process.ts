import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { listeningPid, processTree } from './process-usage.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** How long a server may take to listen, and to exit after SIGTERM before it is killed. */
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 20_000;

/** A server the benchmark drives and whose processes it measures. */
export interface ServerUnderTest {
  readonly url: string;
  /** Every node's URL when the deployment has several (clients are spread over them); else [url]. */
  readonly urls?: readonly string[];
  /** True when this run started it, so its history is empty. */
  readonly fresh: boolean;
  /** The server's processes now (primary and workers); empty when they cannot be seen. */
  pids(): number[];
  /** Stops it if this run started it; a `--target` server is left alone. */
  stop(): Promise<void>;
}

/**
 * This run's folder under bench/out/ (inside the repository, so that code there resolves
 * node_modules), removed when the benchmark exits.
 */
function runDir(): string {
  const dir = path.join(root, 'bench', 'out', `build-${process.pid}`);
  if (!fs.existsSync(dir)) {
    fs.mkdirSync(dir, { recursive: true });
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  return dir;
}

/**
 * A copy of dist/ taken the first time a Parley server starts, so that every scenario of
 * a run measures the same build even if dist/ is rebuilt meanwhile.
 */
function parleyEntry(): string {
  const copy = path.join(runDir(), 'dist');
  if (!fs.existsSync(copy)) fs.cpSync(path.join(root, 'dist'), copy, { recursive: true });
  return path.join(copy, 'cluster.js');
}

/** A fresh temporary folder, removed when the benchmark exits. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The node flags of `npm start` (package.json), so the benchmark runs Parley as users do. */
function startScriptNodeFlags(): string[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts?: { start?: string } };
  const [command, ...rest] = (manifest.scripts?.start ?? '').split(/\s+/);
  if (command !== 'node') throw new Error(`npm start is not "node …": ${manifest.scripts?.start ?? '(none)'}`);
  return rest.filter((word) => word.startsWith('--'));
}

/**
 * Starts the built Parley cluster (`npm run build` first; see parleyEntry) on an
 * ephemeral port of 127.0.0.1.
 * It runs with the node flags of `npm start`; `nodeArgs` are added. Both go to the
 * primary, and node:cluster passes them on to the workers.
 */
export function startParley(options: {
  workers: number;
  /** `PARLEY_DATABASE_URL`: `sqlite:<file>` or `postgres://…`. */
  databaseUrl: string;
  env?: Readonly<Record<string, string>>;
  nodeArgs?: readonly string[];
}): Promise<ServerUnderTest> {
  return startLogged(process.execPath, [...startScriptNodeFlags(), ...(options.nodeArgs ?? []), parleyEntry()], {
    PARLEY_WORKERS: String(options.workers),
    PARLEY_DATABASE_URL: options.databaseUrl,
    PARLEY_LOG_LEVEL: 'info',
    // Each scenario's server is stopped when its measurement is over: no need to spread its clients' leaving.
    PARLEY_DRAIN_MS: '0',
    PARLEY_PRE_STOP_MS: '0',
    // Every benchmark client connects from 127.0.0.1: the per-address caps, meant for the
    // open internet, would refuse most of them. A scenario may set its own.
    PARLEY_MAX_CONNECTIONS_PER_ADDRESS: '10000000',
    PARLEY_MAX_PENDING_PER_ADDRESS: '1000000',
    // Likewise the rate of new sessions per address (thousands connect at once here).
    PARLEY_LIMITS: JSON.stringify({ 'connections.address': { points: 1_000_000, seconds: 10 } }),
    ...options.env,
  });
}

/**
 * Starts one of the benchmark's own servers (raw-ws-server.ts, socketio-server.ts) as
 * plain JavaScript, compiled once with esbuild into bench/out/, so that neither a
 * TypeScript loader nor its helper process is counted in the server's CPU and memory.
 */
async function startCompiled(name: 'raw-ws-server' | 'socketio-server'): Promise<ServerUnderTest> {
  const outfile = path.join(runDir(), `${name}.mjs`);
  await build({
    entryPoints: [path.join(root, 'bench', `${name}.ts`)],
    outfile,
    bundle: true,
    // Dependencies are loaded from node_modules as they are, not bundled.
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
  });
  return startLogged(process.execPath, [outfile], {});
}

/** The raw ws ceiling: one process, bare `ws`, no persistence. */
export function startRawWs(): Promise<ServerUnderTest> {
  return startCompiled('raw-ws-server');
}

/** The bare Socket.IO baseline: one process, no persistence, no cluster. */
export function startBareSocketIo(): Promise<ServerUnderTest> {
  return startCompiled('socketio-server');
}

/** A server started by someone else: measured if its processes are visible on this machine. */
export function attachTarget(url: string): ServerUnderTest {
  const port = Number(new URL(url).port || '80');
  const rootPid = listeningPid(port);
  return {
    url,
    fresh: false,
    pids: () => (rootPid === undefined ? [] : processTree(rootPid)),
    stop: () => Promise.resolve(),
  };
}

async function startLogged(command: string, args: string[], env: Record<string, string>): Promise<ServerUnderTest> {
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const recent: string[] = [];
  const remember = (line: string): void => {
    recent.push(line);
    if (recent.length > 20) recent.shift();
  };
  const killOnExit = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const port = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`server did not listen in ${START_TIMEOUT_MS} ms: ${recent.join('\n')}`)), START_TIMEOUT_MS);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      for (let newline = buffered.indexOf('\n'); newline >= 0; newline = buffered.indexOf('\n')) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        remember(line);
        const listening = parseListening(line);
        if (listening !== undefined) {
          clearTimeout(timer);
          resolve(listening);
        }
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => remember(chunk));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening: ${recent.join('\n')}`));
    });
  });

  return {
    url: `http://127.0.0.1:${port}`,
    fresh: true,
    pids: () => (child.pid === undefined ? [] : processTree(child.pid)),
    stop: async () => {
      await stopChild(child);
      process.off('exit', killOnExit);
    },
  };
}

function parseListening(line: string): number | undefined {
  try {
    const parsed = JSON.parse(line) as { msg?: unknown; address?: { port?: unknown } };
    return parsed.msg === 'listening' && typeof parsed.address?.port === 'number' ? parsed.address.port : undefined;
  } catch {
    return undefined;
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(killer);
}
