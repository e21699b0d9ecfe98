import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { freePort, tempDir } from './server.js';
import { pace } from './waits.js';

/** The newest installed PostgreSQL's binaries (Debian's layout), if any. */
const BIN = (() => {
  const base = '/usr/lib/postgresql';
  if (!fs.existsSync(base)) return undefined;
  const versions = fs
    .readdirSync(base)
    .filter((name) => fs.existsSync(path.join(base, name, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : path.join(base, versions[0], 'bin');
})();

/** PostgreSQL refuses to run as root: as root, the server runs as this user (Debian's package creates it). */
const SERVER_USER = 'postgres';
const isRoot = process.getuid?.() === 0;

/** Whether this machine can run a PostgreSQL server of a test's own. */
export const postgresServerAvailable = (): boolean => BIN !== undefined && (!isRoot || fs.existsSync('/usr/sbin/runuser'));

/** A PostgreSQL server of the test's own: its settings are the test's to choose, which the shared one's are not. */
export interface OwnPostgres {
  /** A non-superuser role `parley` and its database `parley`, as the README's guide makes them. */
  readonly url: string;
  /** The superuser `postgres`, database `postgres`. */
  readonly adminUrl: string;
  close(): Promise<void>;
}


const asServerUser = (command: string, args: string[]): [string, string[]] => (isRoot ? ['/usr/sbin/runuser', ['-u', SERVER_USER, '--', command, ...args]] : [command, args]);

/**
 * initdb in a temporary folder and a postgres on a free port of 127.0.0.1 with `settings`
 * (e.g. `{ max_connections: '20' }`), trust authentication, no fsync (a test's data need not
 * survive a crash); then the role and database `parley`. Takes a few seconds.
 */
export async function startOwnPostgres(settings: Readonly<Record<string, string>> = {}): Promise<OwnPostgres> {
  if (!BIN) throw new Error('PostgreSQL server binaries are not installed');
  const dir = tempDir('parley-postgres-');
  const data = path.join(dir, 'data');
  if (isRoot) execFileSync('/usr/bin/chown', [SERVER_USER, dir]);
  const [initdb, initArgs] = asServerUser(path.join(BIN, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
  execFileSync(initdb, initArgs, { stdio: 'pipe' });
  const port = await freePort();
  const options = Object.entries({ listen_addresses: '127.0.0.1', fsync: 'off', unix_socket_directories: dir, ...settings }).flatMap(([name, value]) => [
    '-c',
    `${name}=${value}`,
  ]);
  const [postgres, args] = asServerUser(path.join(BIN, 'postgres'), ['-D', data, '-p', String(port), ...options]);
  const child: ChildProcess = spawn(postgres, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // The postmaster's own pid (runuser is its parent when the test runs as root).
  const postmasterPid = (): number | undefined => {
    try {
      return Number(fs.readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    } catch {
      return undefined;
    }
  };
  const stop = async (): Promise<void> => {
    const pid = postmasterPid();
    // Immediate shutdown: nothing here is worth a checkpoint.
    if (pid) process.kill(pid, 'SIGQUIT');
    else child.kill('SIGQUIT');
    await exited;
  };
  process.once('exit', () => {
    const pid = postmasterPid();
    if (pid) process.kill(pid, 'SIGKILL');
  });
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 1000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('CREATE ROLE parley LOGIN');
      await client.query('CREATE DATABASE parley OWNER parley');
      break;
    } catch (error) {
      if (Date.now() > deadline || child.exitCode !== null) {
        await stop().catch(() => undefined);
        throw new Error(`postgres did not start: ${(error as Error).message}; ${stderr}`);
      }
      await pace(100, 'the next look at postgres');
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  return { url: `postgres://parley@127.0.0.1:${port}/parley`, adminUrl, close: stop };
}
