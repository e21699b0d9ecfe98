import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { connected, tutorialClient } from '../helpers/clients.js';
import { freePort, tempDir } from '../helpers/server.js';
import { pace } from '../helpers/waits.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');


/** The repository as a clone would have it (tracked and new, unignored files), then `dist/` as built: a shipped build. */
function shippedCopy(): string {
  const dir = path.join(tempDir('parley-install-'), 'parley');
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter((file) => file !== '' && fs.existsSync(path.join(root, file)));
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.copyFileSync(path.join(root, file), path.join(dir, file));
  }
  // Copied after the sources, so it is newer than them, as a build is.
  fs.cpSync(path.join(root, 'dist'), path.join(dir, 'dist'), { recursive: true });
  return dir;
}

/**
 * Issue 12, part 8: a production install. `npm ci --omit=dev` (no compiler, no test tools)
 * followed by `npm start` serves the chat from the dist/ it was shipped with, and stops
 * with 0 on SIGTERM; without a dist/, `npm start` says what to do instead of failing on a
 * missing compiler. (`npm ci && npm start` from a clone, which builds, is what every other
 * test's build is.) Runs a real `npm ci`, which compiles better-sqlite3: about 90 s.
 */
describe('production install', () => {
  test('npm ci --omit=dev, then npm start, serves the chat from the shipped dist/', { timeout: 600_000 }, async (t) => {
    const dir = shippedCopy();
    t.after(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));
    const install = spawnSync('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8', timeout: 480_000 });
    assert.equal(install.status, 0, `npm ci --omit=dev: ${install.stderr.slice(-2000)}`);
    assert.equal(fs.existsSync(path.join(dir, 'node_modules', 'typescript')), false, 'no development tools installed');
    assert.equal(fs.existsSync(path.join(dir, 'node_modules', 'better-sqlite3')), true);

    const port = await freePort();
    const server = spawn('npm', ['start'], {
      cwd: dir,
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', PARLEY_WORKERS: '1', PARLEY_DATABASE_URL: `sqlite:${path.join(dir, 'data.db')}` },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    server.stdout.on('data', (chunk: Buffer) => void (output += chunk.toString()));
    server.stderr.on('data', (chunk: Buffer) => void (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
    t.after(() => {
      try {
        if (server.pid !== undefined) process.kill(-server.pid, 'SIGKILL');
      } catch {
        // gone already
      }
    });
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 60_000;
    while ((await fetch(`${url}/healthz`).catch(() => undefined))?.status !== 200) {
      assert.ok(Date.now() < deadline, `/healthz answers within 60 s (output: ${output.slice(-500)})`);
      await pace(200, 'the next /healthz poll');
    }
    const client = tutorialClient(url);
    await connected(client);
    const ack = await client.emitWithAck('chat message', 'from a production install', 'prod-1');
    assert.ok(ack.ok, JSON.stringify(ack));
    client.close();
    assert.doesNotMatch(output, /tsc|npm run build/, 'nothing was built at start');

    // SIGTERM to the server itself (npm passes it on as the process group's signal would).
    if (server.pid !== undefined) process.kill(-server.pid, 'SIGTERM');
    assert.ok([0, null].includes(await exited), `npm start ended cleanly (output: ${output.slice(-500)})`);

    // Without a built dist/ there is nothing to run and nothing to build it with: say so.
    fs.rmSync(path.join(dir, 'dist'), { recursive: true, force: true });
    const unbuilt = spawnSync('npm', ['start'], { cwd: dir, encoding: 'utf8', env: { ...process.env, PORT: String(port) }, timeout: 60_000 });
    assert.notEqual(unbuilt.status, 0);
    assert.match(unbuilt.stderr, /dist\/ is not built, and the build tools are not installed \(npm ci --omit=dev\)/);
  });
});
