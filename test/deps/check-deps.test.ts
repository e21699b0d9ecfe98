import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { tempDir } from '../helpers/server.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const script = path.join(root, 'scripts', 'check-deps.mjs');

/** Runs the check against a lock file; returns its exit status and what it printed. */
function check(lockFile?: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [script, ...(lockFile === undefined ? [] : [lockFile])], { encoding: 'utf8' });
  return { status: result.status, output: result.stdout + result.stderr };
}

/** A v3 lock file holding `packages` (install path -> version) besides the root entry. */
function lockWith(packages: Record<string, string>): string {
  const file = path.join(tempDir('parley-deps-'), 'package-lock.json');
  const entries = Object.fromEntries(Object.entries(packages).map(([where, version]) => [where, { version }]));
  fs.writeFileSync(file, JSON.stringify({ name: 'x', lockfileVersion: 3, packages: { '': { name: 'x' }, ...entries } }));
  return file;
}

const good = {
  'node_modules/socket.io': '4.8.4',
  'node_modules/engine.io': '6.6.12',
  'node_modules/socket.io-parser': '4.2.7',
  'node_modules/ws': '8.23.0',
  'node_modules/engine.io/node_modules/ws': '8.21.3',
};

describe('the dependency check (npm test runs it first)', () => {
  test("passes on the project's own lock file", () => {
    const { status, output } = check();
    assert.equal(status, 0, output);
  });

  test('passes on versions exactly at their floors, and without the optional package', () => {
    const floors = {
      'node_modules/socket.io': '4.8.0',
      'node_modules/engine.io': '6.6.7',
      'node_modules/socket.io-parser': '4.2.7',
      'node_modules/engine.io/node_modules/ws': '8.21.1',
    };
    assert.equal(check(lockWith(floors)).status, 0);
    const withAdapter = check(lockWith({ ...floors, 'node_modules/@socket.io/redis-streams-adapter': '0.2.3' }));
    assert.equal(withAdapter.status, 0, withAdapter.output);
  });

  test('fails on a nested copy below its floor, and names where it is', () => {
    const { status, output } = check(lockWith({ ...good, 'node_modules/engine.io/node_modules/ws': '8.21.0' }));
    assert.equal(status, 1);
    assert.match(output, /ws 8\.21\.0 at node_modules\/engine\.io\/node_modules\/ws is below 8\.21\.1/);
  });

  const bad: [string, string, string][] = [
    ['socket.io', 'node_modules/socket.io', '4.7.5'],
    ['engine.io', 'node_modules/engine.io', '6.6.6'],
    ['socket.io-parser', 'node_modules/socket.io-parser', '4.2.6'],
    ['a pre-release of the floor', 'node_modules/socket.io', '4.8.0-rc.1'],
    ['@socket.io/redis-streams-adapter once present', 'node_modules/@socket.io/redis-streams-adapter', '0.2.2'],
    ['a version that cannot be compared', 'node_modules/engine.io', 'github:socketio/engine.io'],
  ];
  for (const [what, where, version] of bad) {
    test(`fails on ${what} (${version})`, () => {
      const { status, output } = check(lockWith({ ...good, [where]: version }));
      assert.equal(status, 1, output);
      assert.ok(output.includes(where), output);
    });
  }

  test('fails on a lock file it cannot read', () => {
    const { status, output } = check(path.join(tempDir('parley-deps-'), 'missing.json'));
    assert.equal(status, 1);
    assert.match(output, /cannot read/);
  });
});
