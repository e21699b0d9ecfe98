import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_SESSION_SECRET } from './session-cookies.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface StartOptions {
  /** Worker processes; the cluster entry is used for any number (one port, sticky). */
  readonly workers?: number;
  /** Reuse a database file, e.g. to restart a killed server on the same history. */
  readonly databaseFile?: string;
  /** `main` runs one process without node:cluster (in-memory adapter, CSR works). */
  readonly entry?: 'cluster' | 'main';
  readonly env?: Readonly<Record<string, string>>;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly databaseFile: string;
  /** PIDs of the workers that reported ready, in order of readiness (newest last). */
  readonly workerPids: () => number[];
  /** Every log line so far, parsed. */
  readonly logs: () => LogLine[];
  /** Everything the server's processes wrote to stderr so far (an uncaught exception's trace lands here). */
  readonly stderr: () => string;
  /** Resolves when a log line matching `predicate` has been written. */
  readonly waitForLog: (predicate: (line: LogLine) => boolean, timeoutMs?: number) => Promise<LogLine>;
  /** Sends a signal and resolves with the exit code (null when killed by a signal). */
  readonly stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

export type LogLine = Record<string, unknown> & { msg?: string };

const tempDirs: string[] = [];

/** Servers this test process started: never left running when it ends, however it ends. */
const startedServers = new Set<ChildProcess>();
const killStartedServers = (): void => {
  for (const child of startedServers) child.kill('SIGKILL');
};
process.once('exit', killStartedServers);
// The test runner ends a file that overran its timeout with a signal, which skips 'exit'.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    killStartedServers();
    process.exit(128 + (signal === 'SIGTERM' ? 15 : 2));
  });
}
process.once('exit', () => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary folder, removed when the process exits. */
export function tempDir(prefix = 'parley-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/**
 * Starts the built server (`npm run build` first) as a child process on an ephemeral port,
 * with SQLite in a temporary folder unless told otherwise, and waits until it listens.
 */
export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const databaseFile = options.databaseFile ?? path.join(tempDir(), 'parley.db');
  const entry = path.join(root, 'dist', options.entry === 'main' ? 'main.js' : 'cluster.js');
  const child = spawn(process.execPath, [entry], {
    cwd: root,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      PARLEY_WORKERS: String(options.workers ?? 2),
      PARLEY_DATABASE_URL: `sqlite:${databaseFile}`,
      PARLEY_LOG_LEVEL: 'info',
      PARLEY_SESSION_SECRET: TEST_SESSION_SECRET,
      // Stops are at once unless a test measures the drain (test/operations/drain.test.ts).
      PARLEY_DRAIN_MS: '0',
      PARLEY_PRE_STOP_MS: '0',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  const listeners = new Set<() => void>();
  let stderr = '';
  let buffered = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const text = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      try {
        lines.push(JSON.parse(text) as LogLine);
      } catch {
        lines.push({ msg: text });
      }
    }
    for (const listener of listeners) listener();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  startedServers.add(child);
  child.once('exit', () => startedServers.delete(child));

  const waitForLog = (predicate: (line: LogLine) => boolean, timeoutMs = 15_000): Promise<LogLine> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = lines.find(predicate);
        if (!found) return false;
        cleanup();
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for a log line; stderr: ${stderr}; last lines: ${JSON.stringify(lines.slice(-5))}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        listeners.delete(onLine);
      };
      const onLine = (): void => void check();
      if (!check()) listeners.add(onLine);
    });

  const listening = await Promise.race([
    waitForLog((line) => line.msg === 'listening'),
    exited.then((code) => {
      throw new Error(`server exited with ${code} before listening: ${stderr}`);
    }),
  ]);
  const port = (listening['address'] as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid ?? -1,
    databaseFile,
    workerPids: () =>
      lines.filter((line) => line.msg === 'worker ready').map((line) => line['workerPid'] as number),
    logs: () => [...lines],
    stderr: () => stderr,
    waitForLog,
    stop: (signal: NodeJS.Signals = 'SIGTERM') => stopChild(child, signal, exited),
  };
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals, exited: Promise<number | null>): Promise<number | null> {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  return exited;
}

/** A TCP port free on 127.0.0.1 right now (listened on, then let go). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts `dist/<entry>` on port 0 with `env` and waits for it to exit by itself (a start
 * that must fail), killing it after `ms`: its exit code, all it wrote, how long it ran.
 */
export async function runUntilExit(entry: 'cluster.js' | 'main.js', env: Record<string, string>, ms: number): Promise<{ code: number | null; output: string; elapsedMs: number }> {
  const startedAt = Date.now();
  const child = spawn(process.execPath, [path.join(root, 'dist', entry)], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, output, elapsedMs: Date.now() - startedAt };
}
