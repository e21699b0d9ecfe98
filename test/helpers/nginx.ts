import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from './server.js';
import { pace } from './waits.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The load balancer configuration Parley ships. */
export const SHIPPED_CONFIG = path.join(root, 'deploy/nginx/parley.conf');
/** Its plain-HTTP variant for a trial on one machine (not for production). */
export const TRIAL_CONFIG = path.join(root, 'deploy/nginx/parley-trial-http.conf');
const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((candidate) => fs.existsSync(candidate));

/** Whether nginx and openssl are installed (Debian's packages). */
export const nginxAvailable = (): boolean => NGINX !== undefined && fs.existsSync('/usr/bin/openssl');

export interface RunningNginx {
  readonly url: string;
  readonly port: number;
  /** The configuration it runs: the shipped one, with this test's ports and certificate. */
  readonly config: string;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The shipped text with `replacements` made, each of which must still be found in it. */
function render(file: string, replacements: Readonly<Record<string, string>>): string {
  const shipped = fs.readFileSync(file, 'utf8');
  let rendered = shipped;
  for (const [original, replacement] of Object.entries(replacements)) {
    if (!shipped.includes(original)) throw new Error(`${path.relative(root, file)} no longer has ${original}; update this helper`);
    rendered = rendered.replaceAll(original, replacement);
  }
  return rendered;
}

/**
 * Runs nginx (in the foreground, as a child of this test) with deploy/nginx/parley.conf,
 * rendered for `nodePorts` (node1, node2 in order) and a fresh self-signed certificate for
 * 127.0.0.1; or, with `variant: 'trial-http'`, deploy/nginx/parley-trial-http.conf (plain
 * HTTP, no certificate). Listens on `port` (default: a free one). Checks it with `nginx -t` first. Everything lives in a temporary folder.
 */
export async function startNginx(
  nodePorts: readonly [number, number],
  { variant = 'tls', port: chosenPort }: { readonly variant?: 'tls' | 'trial-http'; readonly port?: number } = {},
): Promise<RunningNginx> {
  if (!NGINX) throw new Error('nginx is not installed');
  const dir = tempDir('parley-nginx-');
  const port = chosenPort ?? (await freePort());
  const upstreams = { '127.0.0.1:3001': `127.0.0.1:${nodePorts[0]}`, '127.0.0.1:3002': `127.0.0.1:${nodePorts[1]}` };
  let rendered: string;
  if (variant === 'tls') {
    const cert = path.join(dir, 'parley.pem');
    const key = path.join(dir, 'parley.key');
    execFileSync('/usr/bin/openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', key, '-out', cert], {
      stdio: 'ignore',
    });
    rendered = render(SHIPPED_CONFIG, {
      ...upstreams,
      'listen 443 ssl;': `listen 127.0.0.1:${port} ssl;`,
      '/etc/ssl/certs/parley.pem': cert,
      '/etc/ssl/private/parley.key': key,
    });
  } else {
    rendered = render(TRIAL_CONFIG, { ...upstreams, 'listen 127.0.0.1:8080;': `listen 127.0.0.1:${port};` });
  }
  const config = path.join(dir, 'nginx.conf');
  fs.writeFileSync(
    config,
    [
      'worker_processes 1;',
      `pid ${path.join(dir, 'nginx.pid')};`,
      `error_log ${path.join(dir, 'error.log')} warn;`,
      'events { worker_connections 1024; }',
      'http {',
      `  access_log off;`,
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `  ${kind}_temp_path ${path.join(dir, kind)};`),
      rendered,
      '}',
      '',
    ].join('\n'),
  );
  execFileSync(NGINX, ['-t', '-q', '-p', dir, '-c', config], { stdio: 'pipe' });
  const child = spawn(NGINX, ['-p', dir, '-c', config, '-g', 'daemon off; user root;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.once('exit', () => child.kill('SIGKILL'));
  const deadline = Date.now() + 10_000;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (up) break;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`nginx did not start: ${stderr}`);
    await pace(50, 'the next look at nginx');
  }
  return {
    url: `${variant === 'tls' ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    config,
    stop: async () => {
      child.kill('SIGQUIT');
      await exited;
    },
  };
}
