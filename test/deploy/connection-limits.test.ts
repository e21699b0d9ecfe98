import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { tempDir } from '../helpers/server.js';
import { skipUnlessAvailable } from '../helpers/services.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN_CONFIG = path.join(root, 'deploy/nginx/nginx.conf');
const TRIAL_CONFIG = path.join(root, 'deploy/nginx/parley-trial-http.conf');
const UNIT = path.join(root, 'deploy/systemd/parley.service');
const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((candidate) => fs.existsSync(candidate));
const skip = skipUnlessAvailable('nginx', NGINX !== undefined && fs.existsSync('/etc/nginx/mime.types'), 'apt-get install -y nginx');

/** One node's measured hold (README, "Connections per node"): what the shipped limits must fit. */
const CONNECTIONS_PER_NODE = 100_000;

const setting = (text: string, name: string): number => {
  const match = new RegExp(`^\\s*${name}[ =](\\d+);?$`, 'm').exec(text);
  assert.ok(match?.[1], `${name} is set`);
  return Number(match[1]);
};

/**
 * Issue 24, item 5: the shipped process limits fit the connections a node is measured to
 * hold, and nginx in front of it can carry them (each proxied WebSocket is two connections
 * of one nginx worker: the client's and the upstream's).
 */
describe('the shipped limits fit 100,000 connections per node', () => {
  test("the systemd unit's open-file limit covers them, with room for the pending and the database", () => {
    const unit = fs.readFileSync(UNIT, 'utf8');
    assert.ok(setting(unit, 'LimitNOFILE') >= CONNECTIONS_PER_NODE + 2_048);
  });

  test('deploy/nginx/nginx.conf raises worker_connections and worker_rlimit_nofile to match, and nginx -t accepts it with Parley included', { skip }, () => {
    const main = fs.readFileSync(MAIN_CONFIG, 'utf8');
    const workerConnections = setting(main, 'worker_connections');
    assert.ok(workerConnections >= CONNECTIONS_PER_NODE, 'one nginx worker may hold a node\'s clients');
    assert.ok(setting(main, 'worker_rlimit_nofile') >= 2 * workerConnections, 'and the files of both sides of each');

    // Rendered into a temporary prefix: its own pid, logs and Parley's trial config (no certificate needed).
    const dir = tempDir('parley-nginx-main-');
    const included = path.join(dir, 'parley.conf');
    fs.writeFileSync(included, fs.readFileSync(TRIAL_CONFIG, 'utf8'));
    const replacements: Record<string, string> = {
      'user www-data;': '',
      'pid /run/nginx.pid;': `pid ${path.join(dir, 'nginx.pid')};`,
      '/var/log/nginx/access.log': path.join(dir, 'access.log'),
      '/var/log/nginx/error.log': path.join(dir, 'error.log'),
      '/etc/nginx/conf.d/parley.conf': included,
    };
    let rendered = main;
    for (const [original, replacement] of Object.entries(replacements)) {
      assert.ok(rendered.includes(original), `deploy/nginx/nginx.conf still has ${original}`);
      rendered = rendered.replace(original, replacement);
    }
    const config = path.join(dir, 'nginx.conf');
    fs.writeFileSync(config, rendered);
    execFileSync(NGINX ?? 'nginx', ['-t', '-q', '-p', dir, '-c', config, '-g', 'error_log stderr warn;'], { stdio: 'pipe' });
  });
});
