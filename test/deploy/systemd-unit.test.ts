import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { tempDir } from '../helpers/server.js';
import { skipUnlessAvailable } from '../helpers/services.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const UNIT = path.join(root, 'deploy/systemd/parley.service');
const ANALYZE = '/usr/bin/systemd-analyze';
const skip = skipUnlessAvailable('systemd-analyze', fs.existsSync(ANALYZE), 'apt-get install -y systemd');

/** `systemd-analyze verify` of a unit: its exit code and what it complained of (warnings included). */
function verify(unit: string): { status: number | null; complaints: string } {
  const result = spawnSync(ANALYZE, ['verify', unit], { encoding: 'utf8' });
  return { status: result.status, complaints: `${result.stdout}${result.stderr}`.trim() };
}

/**
 * Issue 12, part 8: the shipped systemd unit passes `systemd-analyze verify` without a
 * single warning, runs npm start's command, and stops Parley the way it drains (SIGTERM,
 * more time than the shutdown timeout).
 */
describe('the systemd unit', { skip }, () => {
  test('deploy/systemd/parley.service verifies cleanly and starts what npm start starts', () => {
    // Rendered with this machine's node, which verify requires to exist.
    const rendered = path.join(tempDir('parley-unit-'), 'parley.service');
    fs.writeFileSync(rendered, fs.readFileSync(UNIT, 'utf8').replace('ExecStart=/usr/bin/node ', `ExecStart=${process.execPath} `));
    assert.deepEqual(verify(rendered), { status: 0, complaints: '' });

    const unit = fs.readFileSync(UNIT, 'utf8');
    const packageJson = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const start = packageJson.scripts['start']?.replace(/^node /, '');
    assert.ok(start && unit.includes(`ExecStart=/usr/bin/node ${start}\n`), `ExecStart runs npm start's command (${start})`);
    assert.match(unit, /^KillSignal=SIGTERM$/m);
    const stopSeconds = Number(/^TimeoutStopSec=(\d+)$/m.exec(unit)?.[1]);
    assert.ok(stopSeconds > 10, 'systemd waits longer than PARLEY_SHUTDOWN_TIMEOUT_MS (10 s) before SIGKILL');
  });

  test('a broken unit is caught: the check is not blind', () => {
    const broken = path.join(tempDir('parley-unit-'), 'parley.service');
    fs.writeFileSync(broken, fs.readFileSync(UNIT, 'utf8').replace('ExecStart=/usr/bin/node ', `ExecStart=${process.execPath} `).replace('Restart=on-failure', 'Restart=sometimes'));
    assert.notEqual(verify(broken).complaints, '');
  });
});
