import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep } from './load/senders.js';
import { tempDir } from './server-process.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The shipped plain-HTTP configuration for two nodes on one machine (no TLS cost in the measurement). */
const TRIAL_CONFIG = path.join(root, 'deploy/nginx/parley-trial-http.conf');
const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((candidate) => fs.existsSync(candidate));

export interface BenchNginx {
  readonly url: string;
  stop(): Promise<void>;
}

/** Connections one nginx worker is given at most, so its descriptors stay under a 20,000 open-file limit. */
const CONNECTIONS_PER_WORKER = 16_000;

/**
 * nginx in front of two nodes with deploy/nginx/parley-trial-http.conf as shipped, only
 * its upstream ports and listen address changed, with room for `connections` clients (each
 * takes two connections: the client's and its upstream's): one worker process, or more
 * (sharing the port with reuseport) where one would pass the open-file limit.
 */
export async function startNginx(nodePorts: readonly [number, number], connections: number): Promise<BenchNginx> {
  if (!NGINX) throw new Error('nginx is not installed (Debian: apt-get install nginx-light)');
  const dir = tempDir('parley-bench-nginx-');
  const port = await freePort();
  const replacements: Record<string, string> = {
    '127.0.0.1:3001': `127.0.0.1:${nodePorts[0]}`,
    '127.0.0.1:3002': `127.0.0.1:${nodePorts[1]}`,
    'listen 127.0.0.1:8080;': `listen 127.0.0.1:${port} backlog=4096 reuseport;`,
  };
  let rendered = fs.readFileSync(TRIAL_CONFIG, 'utf8');
  for (const [shipped, used] of Object.entries(replacements)) {
    if (!rendered.includes(shipped)) throw new Error(`${path.relative(root, TRIAL_CONFIG)} no longer has ${shipped}; update bench/nginx.ts`);
    rendered = rendered.replaceAll(shipped, used);
  }
  const workers = Math.max(1, Math.ceil((connections * 2) / CONNECTIONS_PER_WORKER));
  const workerConnections = Math.ceil((connections * 2) / workers) + 1024;
  const config = path.join(dir, 'nginx.conf');
  fs.writeFileSync(
    config,
    [
      `worker_processes ${workers};`,
      `worker_rlimit_nofile ${workerConnections + 1024};`,
      `pid ${path.join(dir, 'nginx.pid')};`,
      `error_log ${path.join(dir, 'error.log')} crit;`,
      `events { worker_connections ${workerConnections}; }`,
      'http {',
      '  access_log off;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `  ${kind}_temp_path ${path.join(dir, kind)};`),
      rendered,
      '}',
      '',
    ].join('\n'),
  );
  execFileSync(NGINX, ['-t', '-q', '-p', dir, '-c', config], { stdio: 'pipe' });
  const child = spawn(NGINX, ['-p', dir, '-c', config, '-g', 'daemon off; user root;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const deadline = Date.now() + 10_000;
  while (!(await accepts(port))) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`nginx did not start: ${stderr}`);
    await sleep(50);
  }
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      process.off('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGQUIT');
      await exited;
    },
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
